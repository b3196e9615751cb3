import type { CleanupReason, PartitionLogView, SegmentView } from '../cleanup-policy';
import type { ConformanceViolation } from './violation';

const REASONS: readonly CleanupReason[] = ['retention.ms', 'retention.bytes', 'log-start-offset', 'custom'];

/**
 * Checks a cleanup plan against the view it was made from:
 * - the plan is `{ actions: [...] }` with known action kinds;
 * - deletions name existing, closed segments, each once, and together form a
 *   prefix of the log (storage only ever advances the log start);
 * - the active segment is never deleted or compacted;
 * - a compaction covers a non-empty range of closed segments that the same
 *   plan does not delete.
 * Used by the conformance kit and by the host, which refuses an invalid plan whole.
 */
export function validateCleanupPlan(view: PartitionLogView, plan: unknown): ConformanceViolation[] {
  const violations: ConformanceViolation[] = [];
  const actions = (plan as { actions?: unknown } | null)?.actions;
  if (typeof plan !== 'object' || plan === null || !Array.isArray(actions)) {
    return [{ rule: 'shape', message: 'plan() must return { actions: CleanupAction[] }' }];
  }
  const segments = view.segments;
  const activeIndex = activeSegmentIndex(segments);
  const active = activeIndex >= 0 ? segments[activeIndex] : undefined;
  const byBase = new Map(segments.map((s, i) => [s.baseOffset, i]));
  const deleted = new Set<number>();
  const compactions: { from: number; to: number }[] = [];

  for (const action of actions as unknown[]) {
    const a = action as Record<string, unknown> | null;
    if (typeof a !== 'object' || a === null) {
      violations.push({ rule: 'shape', message: 'an action is not an object' });
      continue;
    }
    if (a['kind'] === 'delete-segments') {
      if (!REASONS.includes(a['reason'] as CleanupReason)) {
        violations.push({ rule: 'shape', message: `delete-segments reason must be one of ${REASONS.join(', ')}; got ${String(a['reason'])}` });
      }
      if (!Array.isArray(a['baseOffsets'])) {
        violations.push({ rule: 'shape', message: 'delete-segments needs a baseOffsets array' });
        continue;
      }
      for (const base of a['baseOffsets'] as unknown[]) {
        const index = typeof base === 'number' ? byBase.get(base) : undefined;
        if (index === undefined) {
          violations.push({ rule: 'unknown-segment', message: `delete-segments names ${String(base)}, which is not a segment's baseOffset` });
        } else if (index === activeIndex || segments[index].isActive) {
          violations.push({ rule: 'active-segment', message: `delete-segments deletes the active segment ${String(base)}` });
        } else if (deleted.has(index)) {
          violations.push({ rule: 'duplicate', message: `segment ${String(base)} is deleted twice` });
        } else {
          deleted.add(index);
        }
      }
    } else if (a['kind'] === 'compact') {
      const from = a['fromOffset'];
      const to = a['toOffset'];
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || (from as number) >= (to as number)) {
        violations.push({ rule: 'shape', message: `compact needs integer fromOffset < toOffset; got [${String(from)}, ${String(to)})` });
        continue;
      }
      if (typeof a['deleteTombstonesBeforeMs'] !== 'number' || Number.isNaN(a['deleteTombstonesBeforeMs'])) {
        violations.push({ rule: 'shape', message: 'compact needs a numeric deleteTombstonesBeforeMs' });
      }
      if (a['dropRecord'] !== undefined && typeof a['dropRecord'] !== 'function') {
        violations.push({ rule: 'shape', message: 'compact dropRecord must be a function when present' });
      }
      const first = segments[0];
      if (first !== undefined && (from as number) < first.baseOffset) {
        violations.push({ rule: 'range', message: `compact starts at ${String(from)}, before the first segment (${first.baseOffset})` });
      }
      if (active !== undefined && (to as number) > active.baseOffset) {
        violations.push({ rule: 'active-segment', message: `compact range [${String(from)}, ${String(to)}) reaches into the active segment (base ${active.baseOffset})` });
      }
      compactions.push({ from: from as number, to: to as number });
    } else {
      violations.push({ rule: 'shape', message: `unknown action kind ${String(a['kind'])}` });
    }
  }

  const deletedIndexes = [...deleted].sort((x, y) => x - y);
  if (deletedIndexes.some((index, i) => index !== i)) {
    violations.push({
      rule: 'prefix',
      message: `deleted segments [${deletedIndexes.map((i) => segments[i].baseOffset).join(', ')}] are not a prefix of the log`,
    });
  }
  for (const { from, to } of compactions) {
    for (const index of deletedIndexes) {
      const seg = segments[index];
      if (seg.baseOffset < to && segmentEnd(segments, index) > from) {
        violations.push({ rule: 'compact-deleted', message: `compact range [${from}, ${to}) covers segment ${seg.baseOffset}, which the same plan deletes` });
      }
    }
  }
  return violations;
}

/** Index of the active segment: the one flagged active, else the last. */
export function activeSegmentIndex(segments: readonly SegmentView[]): number {
  const flagged = segments.findIndex((s) => s.isActive);
  return flagged >= 0 ? flagged : segments.length - 1;
}

function segmentEnd(segments: readonly SegmentView[], index: number): number {
  const next = segments[index + 1];
  return next !== undefined ? next.baseOffset : Math.max(segments[index].nextOffset, segments[index].baseOffset + 1);
}
