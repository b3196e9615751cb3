import type { CleanupReason, DeleteSegmentsAction, PartitionLogView, SegmentView } from '@tributary/plugins-api';
import { closedCount, effectiveTimestampMs } from './segments';
import { topicNumber } from './topic-config';

export interface DeletionPlan {
  readonly actions: DeleteSegmentsAction[];
  /** The segments left after the deletions (the active one always among them). */
  readonly remaining: readonly SegmentView[];
}

/**
 * Kafka's UnifiedLog.deleteOldSegments, as a plan. Passes run in Kafka's
 * order, each on what the previous left, and each deletes only a prefix of
 * closed segments (it stops at the first segment that does not qualify and
 * never reaches the active segment):
 * 1. `log-start-offset` (always, whatever the policy): a segment whose
 *    successor starts at or below logStartOffset holds nothing readable.
 * 2. `retention.bytes` (when `retention` and retention.bytes ≥ 0): with
 *    `size` the bytes of all segments, the active one included, and
 *    `diff = size − retention.bytes`, delete the oldest segment while
 *    `diff − segment.sizeBytes ≥ 0`, subtracting as it goes; nothing when
 *    `size < retention.bytes`.
 * 3. `retention.ms` (when `retention` and retention.ms ≥ 0): delete while
 *    `nowMs − largestTimestamp > retention.ms` (lastModified when the segment
 *    has no timestamp).
 */
export function planDeletions(view: PartitionLogView, options: { readonly retention: boolean }): DeletionPlan {
  const segments = view.segments;
  const closed = closedCount(segments);
  const actions: DeleteSegmentsAction[] = [];
  let next = 0;

  const pass = (reason: CleanupReason, shouldDelete: (segment: SegmentView, index: number) => boolean): void => {
    const deleted: number[] = [];
    while (next < closed && shouldDelete(segments[next], next)) deleted.push(segments[next++].baseOffset);
    if (deleted.length > 0) actions.push({ kind: 'delete-segments', baseOffsets: deleted, reason });
  };

  pass('log-start-offset', (_segment, index) => segments[index + 1].baseOffset <= view.logStartOffset);

  if (options.retention) {
    const retentionBytes = topicNumber(view, 'retention.bytes');
    const size = segments.slice(next).reduce((sum, s) => sum + s.sizeBytes, 0);
    if (retentionBytes >= 0 && size >= retentionBytes) {
      let diff = size - retentionBytes;
      pass('retention.bytes', (segment) => {
        if (diff - segment.sizeBytes < 0) return false;
        diff -= segment.sizeBytes;
        return true;
      });
    }
    const retentionMs = topicNumber(view, 'retention.ms');
    if (retentionMs >= 0) pass('retention.ms', (segment) => view.nowMs - effectiveTimestampMs(segment) > retentionMs);
  }
  return { actions, remaining: segments.slice(next) };
}
