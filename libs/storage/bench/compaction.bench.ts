/**
 * Compaction benchmark: generates a log on the real disk (default 100 MB of
 * 100-byte values in batches of 100 records, keys drawn uniformly from 10% as
 * many distinct keys as records), then
 *   1. copies the log's segment files sequentially (read + write of the same
 *      bytes, 1 MiB chunks, fsync at the end) — the raw limit, best of 3;
 *   2. compacts the whole closed log once (map + rewrite + swap + fsync).
 * Reports compaction MB/s (input bytes over wall time) and its ratio to the
 * raw copy measured in the same run.
 *   node tools/scripts/run-ts.mjs libs/storage/bench/compaction.bench.ts            full run
 *   node tools/scripts/run-ts.mjs libs/storage/bench/compaction.bench.ts --smoke    a tiny run that checks it works
 *   … --mb=<n>  input size;  --compression=gzip|snappy|lz4|zstd  batch codec
 * Last line: one JSON object with the figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CompressionType, decodeRecordBatch, encodeRecordBatch, type RecordInput } from '@tributary/records';
import { createPrng, systemScheduler } from '@tributary/util';
import { Compactor } from '../src/cleaner/compactor';
import { OffsetMap } from '../src/cleaner/offset-map';
import { Throttler } from '../src/cleaner/throttler';
import { NodeDisk } from '../src/disk/node-disk';
import { silentStorageLogger } from '../src/log/logger';
import { LogManager } from '../src/log-manager';
import { managedLogOf } from '../src/retention/log-adapter';

const smoke = process.argv.includes('--smoke');
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const TARGET_BYTES = Number(arg('mb') ?? (smoke ? 1 : 100)) * 1e6;
const COMPRESSION = { none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd }[arg('compression') ?? 'none'];
const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 100;
const UNIQUE_KEY_FRACTION = 0.1;
const SEGMENT_BYTES = smoke ? 256 * 1024 : 16 * 1024 * 1024;
const RAW_ROUNDS = smoke ? 1 : 3;
const CHUNK_BYTES = 1024 * 1024;
const T0 = 1_700_000_000_000;

if (COMPRESSION === undefined) throw new Error(`unknown --compression=${arg('compression')}`);

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Sequential read + write of `files` into one file, 1 MiB at a time, fsynced: the raw limit. */
function rawCopy(files: readonly string[], target: string): number {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const out = fs.openSync(target, 'w');
  let copied = 0;
  try {
    for (const file of files) {
      const fd = fs.openSync(file, 'r');
      try {
        for (let n = fs.readSync(fd, buf, 0, CHUNK_BYTES, null); n > 0; n = fs.readSync(fd, buf, 0, CHUNK_BYTES, null)) {
          fs.writeSync(out, buf, 0, n);
          copied += n;
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.fdatasyncSync(out);
  } finally {
    fs.closeSync(out);
  }
  fs.unlinkSync(target);
  return copied;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compaction-bench-'));
  const logs = await LogManager.open({ disk: new NodeDisk(), logDirs: [root], scheduler: systemScheduler, logger: silentStorageLogger });
  try {
    // file.delete.delay.ms keeps Kafka's 60 s default: the swapped-out files are removed later, not inside the timing.
    const log = logs.getOrCreateLog({ topic: 'bench', partition: 0 }, { config: { segmentBytes: SEGMENT_BYTES, cleanupPolicy: ['compact'] } });

    // Generate: keys uniform over 10% as many distinct keys as records.
    const recordBytesEstimate = VALUE_BYTES + 20;
    const totalRecords = Math.max(RECORDS_PER_BATCH, Math.floor(TARGET_BYTES / recordBytesEstimate / RECORDS_PER_BATCH) * RECORDS_PER_BATCH);
    const uniqueKeys = Math.max(1, Math.floor(totalRecords * UNIQUE_KEY_FRACTION));
    const prng = createPrng(42);
    const value = Buffer.alloc(VALUE_BYTES, 7);
    for (let n = 0; n < totalRecords; n += RECORDS_PER_BATCH) {
      const records: RecordInput[] = [];
      for (let i = 0; i < RECORDS_PER_BATCH; i++) {
        const v = Buffer.from(value);
        v.writeUInt32BE(n + i, 0);
        records.push({ key: Buffer.from(`key-${prng.intBetween(0, uniqueKeys - 1)}`), value: v, timestamp: T0 + n + i });
      }
      log.appendAsLeader(encodeRecordBatch({ records, compression: COMPRESSION }), 0);
    }
    log.roll();
    await log.flush();
    const closed = log.segments().filter((s) => !s.isActive);
    const inputBytes = closed.reduce((sum, s) => sum + s.sizeBytes, 0);
    const segmentFiles = closed.map((s) => path.join(log.dir, `${String(s.baseOffset).padStart(20, '0')}.log`));

    // 1. The raw limit: the same bytes read and written sequentially.
    let rawSeconds = Infinity;
    for (let round = 0; round < RAW_ROUNDS; round++) {
      const start = process.hrtime.bigint();
      const copied = rawCopy(segmentFiles, path.join(root, 'raw-copy.tmp'));
      if (copied !== inputBytes) throw new Error(`raw copy moved ${copied} bytes, expected ${inputBytes}`);
      rawSeconds = Math.min(rawSeconds, seconds(start));
    }

    // 2. Compaction of every closed segment, as the log cleaner runs it (unthrottled; Kafka's default 128 MiB map).
    const compactor = new Compactor({ clock: systemScheduler, map: new OffsetMap(128 * 1024 * 1024), throttler: new Throttler(systemScheduler, Infinity) });
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const { stats } = await compactor.compact(managedLogOf(log), {
      action: { kind: 'compact', fromOffset: 0, toOffset: log.logEndOffset, deleteTombstonesBeforeMs: T0 },
      cleanedUpToOffset: 0,
      nowMs: T0,
      segmentBytes: SEGMENT_BYTES,
    });
    const compactionSeconds = seconds(start);
    const cpu = process.cpuUsage(cpuStart);
    const compactionCpuSeconds = (cpu.user + cpu.system) / 1e6;

    // Sanity: exactly one record per distinct key survives.
    let survivors = 0;
    for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
      const { records } = log.read(offset, { maxBytes: CHUNK_BYTES });
      if (records.length === 0) break;
      let at = 0;
      while (at < records.length) {
        const batch = decodeRecordBatch(records, { at });
        survivors += batch.records.filter((r) => r.offset >= offset).length;
        at += batch.header.batchLength + 12;
        offset = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
      }
    }
    const distinctKeys = stats.mapEntries;
    if (survivors !== distinctKeys) throw new Error(`${survivors} records survived for ${distinctKeys} distinct keys`);

    const mb = inputBytes / 1e6;
    const compactionMBPerSec = mb / compactionSeconds;
    const rawCopyMBPerSec = mb / rawSeconds;
    const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
    console.log(
      `compaction of ${round(mb)} MB (${totalRecords} records, ${distinctKeys} distinct keys, ${closed.length} segments, compression ${arg('compression') ?? 'none'}): ` +
        `${round(compactionSeconds, 3)} s, ${round(compactionMBPerSec)} MB/s; raw sequential read+write of the same bytes: ${round(rawSeconds, 3)} s, ${round(rawCopyMBPerSec)} MB/s`,
    );
    console.log(
      JSON.stringify({
        smoke,
        compression: arg('compression') ?? 'none',
        inputMB: round(mb),
        outputMB: round(stats.bytesWritten / 1e6, 2),
        records: totalRecords,
        distinctKeys,
        recordsRemoved: stats.recordsRemoved,
        segments: closed.length,
        compactionSeconds: round(compactionSeconds, 3),
        compactionCpuSeconds: round(compactionCpuSeconds, 3),
        mapPhaseSeconds: round(stats.mapDurationMs / 1000, 3),
        rawCopySeconds: round(rawSeconds, 3),
        compactionRecordsPerSec: Math.round(totalRecords / compactionSeconds),
        compactionMBPerSec: round(compactionMBPerSec),
        rawCopyMBPerSec: round(rawCopyMBPerSec),
        ratio: round(compactionMBPerSec / rawCopyMBPerSec, 3),
      }),
    );
  } finally {
    await logs.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
