import type { SegmentView } from '@tributary/plugins-api';
import { MAX_RELATIVE_OFFSET } from '../core/offset-index';

/**
 * Splits consecutive segments into groups that are each rewritten into one
 * cleaned segment (Kafka's groupSegmentsBySize): a group's input bytes stay
 * within `maxGroupBytes` (segment.bytes), so its output — never larger than its
 * input except for delete-horizon stamps — fits one segment, and its offsets
 * stay within the relative-offset range of one segment. A segment larger than
 * the limit forms a group of its own.
 */
export function groupSegmentsBySize(segments: readonly SegmentView[], maxGroupBytes: number): SegmentView[][] {
  const groups: SegmentView[][] = [];
  let group: SegmentView[] = [];
  let groupBytes = 0;
  for (const segment of segments) {
    const fits =
      group.length > 0 &&
      groupBytes + segment.sizeBytes <= maxGroupBytes &&
      segment.nextOffset - 1 - group[0].baseOffset <= MAX_RELATIVE_OFFSET;
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(segment);
    groupBytes += segment.sizeBytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
