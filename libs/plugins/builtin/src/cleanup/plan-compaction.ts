import type { CompactAction, PartitionLogView, SegmentView } from '@tributary/plugins-api';
import { closedCount, effectiveTimestampMs } from './segments';
import { topicNumber } from './topic-config';

/**
 * Kafka's log cleaner decision (LogCleanerManager.cleanableOffsets and
 * grabFilthiestCompactedLog) for one partition, over `segments` (what is
 * left after deletions):
 * - the dirty section starts at `max(logStartOffset, cleanedUpToOffset)`
 *   (reset to logStartOffset when past the log end, like a bad checkpoint);
 * - it ends at the first uncleanable offset: the active segment's base, or
 *   earlier, with min.compaction.lag.ms > 0, the base of the first dirty
 *   closed segment holding a record newer than `now − min.compaction.lag.ms`;
 * - compaction is due when `dirtyRatio > min.cleanable.dirty.ratio` (strictly,
 *   as Kafka), or when the oldest dirty record is older than
 *   `now − max.compaction.lag.ms` and there is something cleanable;
 * - the range runs from the first segment (Kafka re-cleans the clean head
 *   with the dirty part so keys are deduplicated across both) to the first
 *   uncleanable offset; tombstones older than `now − delete.retention.ms` go.
 * Returns null when there is nothing to compact.
 */
export function planCompaction(view: PartitionLogView, segments: readonly SegmentView[]): CompactAction | null {
  const closed = closedCount(segments);
  if (closed === 0) return null;
  const active = segments[closed];
  const logEndOffset = active.nextOffset;

  let firstDirtyOffset = Math.max(view.logStartOffset, view.cleanedUpToOffset);
  if (firstDirtyOffset > logEndOffset) firstDirtyOffset = view.logStartOffset;

  let firstUncleanableOffset = active.baseOffset;
  const minLagMs = topicNumber(view, 'min.compaction.lag.ms');
  if (minLagMs > 0) {
    const tooNew = segments
      .slice(0, closed)
      .find((s, i) => nextBase(segments, i) > firstDirtyOffset && effectiveTimestampMs(s) > view.nowMs - minLagMs);
    if (tooNew !== undefined) firstUncleanableOffset = Math.min(firstUncleanableOffset, tooNew.baseOffset);
  }

  const fromOffset = segments[0].baseOffset;
  if (firstUncleanableOffset <= firstDirtyOffset || firstUncleanableOffset <= fromOffset) return null;

  const maxLagMs = Math.max(topicNumber(view, 'max.compaction.lag.ms'), 0);
  const needCompactionNow = view.firstDirtyTimestampMs > 0 && view.firstDirtyTimestampMs < view.nowMs - maxLagMs;
  const dirtyEnough = view.dirtyRatio > topicNumber(view, 'min.cleanable.dirty.ratio');
  if (!needCompactionNow && !dirtyEnough) return null;

  return {
    kind: 'compact',
    fromOffset,
    toOffset: firstUncleanableOffset,
    deleteTombstonesBeforeMs: view.nowMs - topicNumber(view, 'delete.retention.ms'),
  };
}

function nextBase(segments: readonly SegmentView[], index: number): number {
  const next = segments[index + 1];
  return next !== undefined ? next.baseOffset : segments[index].nextOffset;
}
