import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { INDEX_SUFFIX, LOG_SUFFIX, OFFSET_INDEX_ENTRY_BYTES, OffsetIndex, TIME_INDEX_ENTRY_BYTES, TimeIndex, parseSegmentFileName } from '@tributary/storage';

/** Index files are small (segment.index.bytes, 10 MiB by default); a larger one is refused rather than read into memory. */
export const MAX_DUMP_INDEX_BYTES = 256 * 1024 * 1024;

/** An `.index` entry with its absolute offset and the file position of that batch. */
export interface OffsetIndexEntry {
  readonly offset: number;
  readonly position: number;
}

/** A `.timeindex` entry: the largest timestamp so far (ms) and the offset where it was seen. */
export interface TimeIndexEntry {
  readonly timestamp: number;
  readonly offset: number;
}

/** What `dumpIndex` found in one index file. */
export interface IndexDump {
  readonly kind: 'index' | 'timeindex';
  readonly file: string;
  readonly baseOffset: number;
  readonly sizeBytes: number;
  /** Entries up to the preallocated all-zero tail, as stored (even when invalid). */
  readonly entries: readonly (OffsetIndexEntry | TimeIndexEntry)[];
  /** Bytes after the last whole entry. */
  readonly partialEntryBytes: number;
  /** Why storage would refuse to load this index, or null when it would load it. */
  readonly problem: string | null;
}

/**
 * Decodes a `.index` (relative offset int32, position int32) or `.timeindex`
 * (timestamp int64, relative offset int32) file. Entries are listed as
 * stored; the verdict comes from storage's own decoder, so "valid" here means
 * what the broker would accept. An `.index` is checked against its `.log`'s
 * size when that file is next to it. The base offset comes from the file name
 * (0 when the name is not a segment name).
 */
export function dumpIndex(file: string, kind: 'index' | 'timeindex'): IndexDump {
  const sizeBytes = statSync(file).size;
  if (sizeBytes > MAX_DUMP_INDEX_BYTES) throw new Error(`${file}: ${sizeBytes} bytes is too large for an index file`);
  const bytes = readFileSync(file);
  const baseOffset = parseSegmentFileName(path.basename(file))?.baseOffset ?? 0;
  const entryBytes = kind === 'index' ? OFFSET_INDEX_ENTRY_BYTES : TIME_INDEX_ENTRY_BYTES;
  const whole = Math.floor(bytes.length / entryBytes);
  let used = whole;
  // The preallocated tail is all zeros; a real first offset-index entry can be (0, 0) only in an
  // otherwise empty index, which then lists nothing, as storage's decoder does.
  while (used > 0 && isZeroEntry(bytes, used - 1, entryBytes)) used--;
  const entries: (OffsetIndexEntry | TimeIndexEntry)[] = [];
  for (let i = 0; i < used; i++) {
    const at = i * entryBytes;
    if (kind === 'index') {
      entries.push({ offset: baseOffset + bytes.readInt32BE(at), position: bytes.readInt32BE(at + 4) });
    } else {
      const timestamp = bytes.readInt32BE(at) * 2 ** 32 + bytes.readUInt32BE(at + 4);
      entries.push({ timestamp, offset: baseOffset + bytes.readInt32BE(at + 8) });
    }
  }
  return { kind, file, baseOffset, sizeBytes, entries, partialEntryBytes: bytes.length - whole * entryBytes, problem: verdict(bytes, file, kind, baseOffset) };
}

function isZeroEntry(bytes: Buffer, i: number, entryBytes: number): boolean {
  for (let at = i * entryBytes; at < (i + 1) * entryBytes; at++) if (bytes[at] !== 0) return false;
  return true;
}

function verdict(bytes: Buffer, file: string, kind: 'index' | 'timeindex', baseOffset: number): string | null {
  try {
    if (kind === 'index') {
      OffsetIndex.decode(bytes, baseOffset, Number.MAX_SAFE_INTEGER, logSizeNextTo(file));
    } else {
      TimeIndex.decode(bytes, baseOffset, Number.MAX_SAFE_INTEGER);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The size of the `.log` beside an `.index`; without one, positions are only checked for order. */
function logSizeNextTo(indexFile: string): number {
  if (!indexFile.endsWith(INDEX_SUFFIX)) return Number.MAX_SAFE_INTEGER;
  try {
    return statSync(indexFile.slice(0, -INDEX_SUFFIX.length) + LOG_SUFFIX).size;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
