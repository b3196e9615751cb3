import type { TopicPartition } from '@tributary/util';

/** File suffixes of a segment and of the files around it (Kafka's names). */
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Compaction output being written (not yet part of the log). */
export const CLEANED_SUFFIX = '.cleaned';
/** Compaction output ready to replace old segments (see Log.replaceSegments). */
export const SWAP_SUFFIX = '.swap';
/** A segment removed from the log, waiting for file.delete.delay.ms. */
export const DELETED_SUFFIX = '.deleted';
/** Suffix of a partition directory being deleted: `<topic>-<partition>.<id>-delete`. */
export const DELETE_DIR_SUFFIX = '-delete';

export type SegmentFileKind = 'log' | 'index' | 'timeindex' | 'snapshot';
export type SegmentFileState = 'live' | 'cleaned' | 'swap' | 'deleted';

const KIND_BY_SUFFIX: Record<string, SegmentFileKind> = {
  [LOG_SUFFIX]: 'log',
  [INDEX_SUFFIX]: 'index',
  [TIME_INDEX_SUFFIX]: 'timeindex',
  [SNAPSHOT_SUFFIX]: 'snapshot',
};
const STATE_BY_SUFFIX: Record<string, SegmentFileState> = {
  [CLEANED_SUFFIX]: 'cleaned',
  [SWAP_SUFFIX]: 'swap',
  [DELETED_SUFFIX]: 'deleted',
};
const SUFFIX_BY_STATE: Record<SegmentFileState, string> = { live: '', cleaned: CLEANED_SUFFIX, swap: SWAP_SUFFIX, deleted: DELETED_SUFFIX };
const SUFFIX_BY_KIND: Record<SegmentFileKind, string> = { log: LOG_SUFFIX, index: INDEX_SUFFIX, timeindex: TIME_INDEX_SUFFIX, snapshot: SNAPSHOT_SUFFIX };

/** The largest offset a file name can hold (20 digits is Kafka's width; we keep offsets safe integers). */
const OFFSET_DIGITS = 20;

/** `42` → `00000000000000000042`: Kafka's zero-padded file-name form of an offset. */
export function offsetFileName(offset: number): string {
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

/** File name of one segment file: `00000000000000000042.log.swap`. */
export function segmentFileName(baseOffset: number, kind: SegmentFileKind, state: SegmentFileState = 'live'): string {
  return offsetFileName(baseOffset) + SUFFIX_BY_KIND[kind] + SUFFIX_BY_STATE[state];
}

export interface ParsedSegmentFileName {
  readonly baseOffset: number;
  readonly kind: SegmentFileKind;
  readonly state: SegmentFileState;
}

/** Parses a segment-family file name, or undefined when the name is not one. */
export function parseSegmentFileName(name: string): ParsedSegmentFileName | undefined {
  const match = /^(\d{20})(\.[a-z]+)(\.[a-z]+)?$/.exec(name);
  if (!match) return undefined;
  const kind = KIND_BY_SUFFIX[match[2]];
  if (!kind) return undefined;
  let state: SegmentFileState = 'live';
  if (match[3] !== undefined) {
    const s = STATE_BY_SUFFIX[match[3]];
    if (!s) return undefined;
    state = s;
  }
  const baseOffset = Number(match[1]);
  if (!Number.isSafeInteger(baseOffset)) return undefined;
  return { baseOffset, kind, state };
}

/** `topic-3` → { topic: 'topic', partition: 3 }; undefined for other names (e.g. `-delete` dirs). */
export function parsePartitionDirName(name: string): TopicPartition | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const topic = name.slice(0, dash);
  const partText = name.slice(dash + 1);
  if (!/^\d{1,9}$/.test(partText)) return undefined;
  if (!/^[a-zA-Z0-9._-]+$/.test(topic)) return undefined;
  return { topic, partition: Number(partText) };
}

/** Directory name of a partition log: `<topic>-<partition>`. */
export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
