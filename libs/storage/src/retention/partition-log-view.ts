import type { SegmentView } from '@tributary/plugins-api';

/** Where compaction stands on one log, derived from its segments and the checkpointed offset. */
export interface CleanState {
  /** Offset up to which the log counts as compacted (exclusive), clamped into the log's range. */
  readonly cleanedUpToOffset: number;
  /** Bytes of closed segments at or after `cleanedUpToOffset` over bytes of all closed segments; 0 with no closed segment. */
  readonly dirtyRatio: number;
  /** The first closed segment holding dirty records, if any: its first batch gives `firstDirtyTimestampMs`. */
  readonly firstDirtySegment: SegmentView | undefined;
}

/**
 * Derives the clean/dirty split the way Kafka's LogCleanerManager does. The
 * checkpointed offset is reset to the log start offset when it is missing, below
 * the log start (segments deleted, DeleteRecords) or past the log end
 * (truncation). A segment straddling the cleaned offset counts as clean, as in
 * Kafka: a pass whose offset map filled mid-segment leaves the rest of that
 * segment to the next pass, and it does not count against the ratio.
 */
export function computeCleanState(
  segments: readonly SegmentView[],
  logStartOffset: number,
  checkpointOffset: number | undefined,
): CleanState {
  const logEndOffset = segments.length === 0 ? logStartOffset : segments[segments.length - 1].nextOffset;
  const cleanedUpToOffset =
    checkpointOffset === undefined || checkpointOffset < logStartOffset || checkpointOffset > logEndOffset ? logStartOffset : checkpointOffset;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let firstDirtySegment: SegmentView | undefined;
  for (const segment of segments) {
    if (segment.isActive) continue;
    if (segment.baseOffset < cleanedUpToOffset) {
      cleanBytes += segment.sizeBytes;
    } else {
      dirtyBytes += segment.sizeBytes;
    }
    if (!firstDirtySegment && segment.nextOffset > cleanedUpToOffset && segment.nextOffset > segment.baseOffset) firstDirtySegment = segment;
  }
  const total = cleanBytes + dirtyBytes;
  return { cleanedUpToOffset, dirtyRatio: total === 0 ? 0 : dirtyBytes / total, firstDirtySegment };
}
