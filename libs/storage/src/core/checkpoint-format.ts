import type { TopicPartition } from '@tributary/util';

/** Thrown by the parsers for a file that is not in the expected format. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

const VERSION = 0;

function lines(text: string, what: string): string[] {
  if (!text.endsWith('\n')) throw new CheckpointFormatError(`${what}: missing final newline (torn write?)`);
  return text.slice(0, -1).split('\n');
}

function nonNegativeInt(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,16}$/.test(text)) throw new CheckpointFormatError(`${what}: '${text ?? ''}' is not a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new CheckpointFormatError(`${what}: ${text} is not a safe integer`);
  return n;
}

function header(all: string[], what: string): number {
  if (all[0] !== String(VERSION)) throw new CheckpointFormatError(`${what}: unsupported version line '${all[0] ?? ''}'`);
  const count = nonNegativeInt(all[1], `${what} entry count`);
  if (all.length !== count + 2) throw new CheckpointFormatError(`${what}: expected ${count} entries, found ${all.length - 2}`);
  return count;
}

export interface PartitionOffset extends TopicPartition {
  readonly offset: number;
}

/**
 * Kafka's offset-checkpoint text format (recovery-point-offset-checkpoint,
 * log-start-offset-checkpoint): `0\n<count>\n` then `<topic> <partition> <offset>\n` per entry,
 * sorted for a stable file.
 */
export function formatOffsetCheckpoint(entries: Iterable<PartitionOffset>): string {
  const sorted = [...entries].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return `${VERSION}\n${sorted.length}\n${sorted.map((e) => `${e.topic} ${e.partition} ${e.offset}\n`).join('')}`;
}

/** Parses the offset-checkpoint format; throws CheckpointFormatError on anything else. */
export function parseOffsetCheckpoint(text: string, what = 'offset checkpoint'): PartitionOffset[] {
  const all = lines(text, what);
  const count = header(all, what);
  const out: PartitionOffset[] = [];
  for (let i = 0; i < count; i++) {
    const parts = all[i + 2].split(' ');
    if (parts.length !== 3 || parts[0].length === 0) throw new CheckpointFormatError(`${what}: malformed line '${all[i + 2]}'`);
    out.push({ topic: parts[0], partition: nonNegativeInt(parts[1], `${what} partition`), offset: nonNegativeInt(parts[2], `${what} offset`) });
  }
  return out;
}

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** Kafka's leader-epoch-checkpoint format: `0\n<count>\n` then `<epoch> <startOffset>\n` per entry. */
export function formatEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return `${VERSION}\n${entries.length}\n${entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join('')}`;
}

/** Parses leader-epoch-checkpoint; throws CheckpointFormatError when malformed or not increasing. */
export function parseEpochCheckpoint(text: string): EpochEntry[] {
  const what = 'leader-epoch-checkpoint';
  const all = lines(text, what);
  const count = header(all, what);
  const out: EpochEntry[] = [];
  for (let i = 0; i < count; i++) {
    const parts = all[i + 2].split(' ');
    if (parts.length !== 2) throw new CheckpointFormatError(`${what}: malformed line '${all[i + 2]}'`);
    const entry = { epoch: nonNegativeInt(parts[0], `${what} epoch`), startOffset: nonNegativeInt(parts[1], `${what} offset`) };
    const prev = out[out.length - 1];
    if (prev && (entry.epoch <= prev.epoch || entry.startOffset < prev.startOffset)) {
      throw new CheckpointFormatError(`${what}: entry '${all[i + 2]}' does not increase`);
    }
    out.push(entry);
  }
  return out;
}

/** Kafka's partition.metadata format: `version: 0\ntopic_id: <id>\n`. */
export function formatPartitionMetadata(topicId: string): string {
  return `version: ${VERSION}\ntopic_id: ${topicId}\n`;
}

export function parsePartitionMetadata(text: string): { topicId: string } {
  const all = lines(text, 'partition.metadata');
  const version = /^version: (\d+)$/.exec(all[0] ?? '');
  const id = /^topic_id: (\S+)$/.exec(all[1] ?? '');
  if (!version || Number(version[1]) !== VERSION || !id || all.length !== 2) {
    throw new CheckpointFormatError(`partition.metadata: malformed '${text.slice(0, 80)}'`);
  }
  return { topicId: id[1] };
}
