import { MAX_RELATIVE_OFFSET } from './offset-index';

/** What the roll decision needs to know about the active segment. */
export interface ActiveSegmentState {
  readonly baseOffset: number;
  readonly sizeBytes: number;
  /** Timestamp (max) of the first batch, or -1 when unknown/none. */
  readonly firstBatchTimestampMs: number;
  /** When the segment was created (ms since epoch). */
  readonly createdMs: number;
  readonly rollJitterMs: number;
  readonly offsetIndexFull: boolean;
  readonly timeIndexFull: boolean;
}

/** The batches about to be appended. */
export interface IncomingBatches {
  readonly sizeBytes: number;
  readonly maxTimestampMs: number;
  /** Offset of the last record of the append. */
  readonly lastOffset: number;
}

export type RollReason = 'segment.bytes' | 'segment.ms' | 'index-full' | 'time-index-full' | 'offset-overflow';

/**
 * Kafka's LogSegment.shouldRoll: roll before appending when the batches would
 * not fit segment.bytes, the segment is older than segment.ms minus its jitter
 * (measured from its first batch's timestamp when there is one, else from its
 * creation), an index is full, or an offset would not fit a 32-bit relative
 * offset. An empty segment never rolls, except for offset overflow.
 */
export function shouldRoll(segment: ActiveSegmentState, incoming: IncomingBatches, config: { segmentBytes: number; segmentMs: number }, nowMs: number): RollReason | undefined {
  if (incoming.lastOffset - segment.baseOffset > MAX_RELATIVE_OFFSET) return 'offset-overflow';
  if (segment.sizeBytes === 0) return undefined;
  if (segment.sizeBytes > config.segmentBytes - incoming.sizeBytes) return 'segment.bytes';
  const waited = segment.firstBatchTimestampMs >= 0 ? incoming.maxTimestampMs - segment.firstBatchTimestampMs : nowMs - segment.createdMs;
  if (waited > config.segmentMs - segment.rollJitterMs) return 'segment.ms';
  if (segment.offsetIndexFull) return 'index-full';
  if (segment.timeIndexFull) return 'time-index-full';
  return undefined;
}
