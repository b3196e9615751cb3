import type { SegmentView } from '@tributary/plugins-api';
import { activeSegmentIndex } from '@tributary/plugins-api';

/** Kafka's LogSegment.largestTimestamp: the largest record timestamp, or the file's last-modified time when none is known. */
export function effectiveTimestampMs(segment: SegmentView): number {
  return segment.largestTimestampMs >= 0 ? segment.largestTimestampMs : segment.lastModifiedMs;
}

/** Number of closed segments at the head of `segments` (everything before the active one). */
export function closedCount(segments: readonly SegmentView[]): number {
  return Math.max(0, activeSegmentIndex(segments));
}
