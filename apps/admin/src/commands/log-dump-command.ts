import path from 'node:path';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX } from '@tributary/storage';
import { booleanOption } from '../cli/args';
import type { Command, OutputStream } from '../cli/command';
import { FAILURE_EXIT_CODE } from '../cli/run-cli';
import { UsageError } from '../cli/usage-error';
import { bytesForText } from '../log-dump/bytes-text';
import { type IndexDump, type OffsetIndexEntry, type TimeIndexEntry, dumpIndex } from '../log-dump/dump-index';
import { type BatchDump, type SegmentDump, dumpSegment } from '../log-dump/dump-segment';

type FileDump = SegmentDump | IndexDump;

/** `log dump FILE...`: offline decoding of segment files, like kafka-dump-log. */
export const logDumpCommand: Command = {
  spec: {
    path: ['log', 'dump'],
    summary: 'Decode .log, .index and .timeindex segment files offline (no broker needed). Exits 1 if any file is corrupt.',
    positionals: ['FILE...'],
    options: {
      'print-records': { type: 'boolean', description: 'Also print every record (key/value as UTF-8 when printable, else 0x-hex).' },
      json: { type: 'boolean', description: 'Print one JSON object {"files":[...]} instead of text.' },
    },
    examples: [
      'tributary log dump data/orders-0/00000000000000000000.log --print-records',
      'tributary log dump data/orders-0/00000000000000000000.index data/orders-0/00000000000000000000.timeindex',
    ],
  },
  async run(io, { positionals, options }) {
    const dumps = positionals.map((file) => dumpFile(file, booleanOption(options, 'print-records')));
    if (booleanOption(options, 'json')) io.stdout.write(`${JSON.stringify({ files: dumps })}\n`);
    else for (const dump of dumps) writeDump(io.stdout, dump);
    const corrupt = dumps.filter(isCorrupt);
    if (corrupt.length === 0) return 0;
    io.stderr.write(`tributary: corrupt data in ${corrupt.map((d) => d.file).join(', ')}\n`);
    return FAILURE_EXIT_CODE;
  },
};

function dumpFile(file: string, printRecords: boolean): FileDump {
  const name = path.basename(file);
  if (name.endsWith(LOG_SUFFIX)) return dumpSegment(file, { printRecords });
  if (name.endsWith(INDEX_SUFFIX)) return dumpIndex(file, 'index');
  if (name.endsWith(TIME_INDEX_SUFFIX)) return dumpIndex(file, 'timeindex');
  throw new UsageError(logDumpCommand.spec, `cannot tell the kind of '${file}': expected a ${LOG_SUFFIX}, ${INDEX_SUFFIX} or ${TIME_INDEX_SUFFIX} file`);
}

/** Whether a dump found bytes the broker would not accept. */
export function isCorrupt(dump: FileDump): boolean {
  if (dump.kind === 'log') return dump.corruption !== null || dump.batches.some((b) => !b.crcValid || b.recordsError !== undefined);
  return dump.problem !== null || dump.partialEntryBytes > 0;
}

function writeDump(out: OutputStream, dump: FileDump): void {
  out.write(`Dumping ${dump.file}\n`);
  if (dump.kind === 'log') writeSegment(out, dump);
  else writeIndex(out, dump);
}

function writeSegment(out: OutputStream, dump: SegmentDump): void {
  for (const batch of dump.batches) {
    out.write(`${formatBatch(batch)}\n`);
    if (batch.recordsError !== undefined) out.write(`| records cannot be decoded: ${batch.recordsError}\n`);
    for (const record of batch.records ?? []) {
      const headers = record.headers.map((h) => `${h.key}=${bytesForText(h.value)}`).join(',');
      const control = record.control !== undefined ? ` control: ${record.control}` : '';
      out.write(
        `| offset: ${record.offset} ${batch.timestampType}: ${record.timestamp} keySize: ${record.keySize} valueSize: ${record.valueSize}` +
          ` headers: [${headers}] key: ${bytesForText(record.key)} payload: ${bytesForText(record.value)}${control}\n`,
      );
    }
  }
  if (dump.corruption !== null) out.write(`Corrupt data at position ${dump.corruption.position}: ${dump.corruption.reason}\n`);
  out.write(`${dump.batches.length} batches, ${dump.sizeBytes} bytes\n`);
}

/** One batch as kafka-dump-log prints it: `name: value` pairs on one line. */
export function formatBatch(b: BatchDump): string {
  return [
    `baseOffset: ${b.baseOffset}`,
    `lastOffset: ${b.lastOffset}`,
    `count: ${b.count}`,
    `baseSequence: ${b.baseSequence}`,
    `lastSequence: ${b.lastSequence}`,
    `producerId: ${b.producerId}`,
    `producerEpoch: ${b.producerEpoch}`,
    `partitionLeaderEpoch: ${b.partitionLeaderEpoch}`,
    `isTransactional: ${b.isTransactional}`,
    `isControl: ${b.isControl}`,
    `position: ${b.position}`,
    `${b.timestampType}: ${b.maxTimestamp}`,
    `baseTimestamp: ${b.baseTimestamp}`,
    `size: ${b.sizeBytes}`,
    `magic: ${b.magic}`,
    `compresscodec: ${b.compression}`,
    `crc: ${b.crc}`,
    `isvalid: ${b.crcValid}`,
  ].join(' ');
}

function writeIndex(out: OutputStream, dump: IndexDump): void {
  for (const entry of dump.entries) {
    if (dump.kind === 'index') {
      const e = entry as OffsetIndexEntry;
      out.write(`offset: ${e.offset} position: ${e.position}\n`);
    } else {
      const e = entry as TimeIndexEntry;
      out.write(`timestamp: ${e.timestamp} offset: ${e.offset}\n`);
    }
  }
  if (dump.partialEntryBytes > 0) out.write(`Corrupt: ${dump.partialEntryBytes} bytes after the last whole entry\n`);
  if (dump.problem !== null) out.write(`Invalid index: ${dump.problem}\n`);
  out.write(`${dump.entries.length} entries, ${dump.sizeBytes} bytes\n`);
}
