import { checkCleanupPolicy, type PartitionLogView, type SegmentView, validateCleanupPlan } from '@tributary/plugins-api';
import { compactCleanupPolicyPlugin, compactDeleteCleanupPolicyPlugin, deleteCleanupPolicyPlugin, planCompact, planCompactDelete, planDelete } from './cleanup-policies';

const NOW = 1_000_000_000;
const HOUR = 3_600_000;

/** Segments of 100 offsets each; `ages` are the ages (ms) of their largest timestamps, the last one active. */
function segmentsOf(sizes: number[], ages: number[]): SegmentView[] {
  return sizes.map((sizeBytes, i) => ({
    baseOffset: i * 100,
    nextOffset: i * 100 + 100,
    sizeBytes,
    largestTimestampMs: NOW - ages[i],
    lastModifiedMs: NOW - ages[i],
    isActive: i === sizes.length - 1,
  }));
}

function view(segments: SegmentView[], config: PartitionLogView['config'], extra: Partial<PartitionLogView> = {}): PartitionLogView {
  return { topic: 't', partition: 0, segments, logStartOffset: 0, cleanedUpToOffset: 0, dirtyRatio: 0, firstDirtyTimestampMs: -1, config, nowMs: NOW, ...extra };
}

describe('delete policy', () => {
  it('deletes the oldest segments whose largest timestamp is more than retention.ms old (strictly), stopping at the first younger one', () => {
    const segments = segmentsOf([10, 10, 10, 10, 10], [5 * HOUR, 3 * HOUR + 1, 3 * HOUR, 9 * HOUR, 0]);
    expect(planDelete(view(segments, { 'retention.ms': 3 * HOUR }))).toEqual({
      actions: [{ kind: 'delete-segments', baseOffsets: [0, 100], reason: 'retention.ms' }],
    });
  });

  it('falls back to lastModified when a segment has no timestamp, and never deletes the active segment', () => {
    const segments = segmentsOf([10, 10], [10 * HOUR, 10 * HOUR]).map((s) => ({ ...s, largestTimestampMs: -1 }));
    expect(planDelete(view(segments, { 'retention.ms': HOUR })).actions).toEqual([{ kind: 'delete-segments', baseOffsets: [0], reason: 'retention.ms' }]);
    expect(planDelete(view(segments, { 'retention.ms': -1 })).actions).toEqual([]);
  });

  it("applies Kafka's retention.bytes rule: delete while size − deleted − segment ≥ retention.bytes", () => {
    // size = 1000 (active included); retention.bytes = 650 → diff 350: 100 (250 left), 200 (50 left), then 300 > 50 stops.
    const segments = segmentsOf([100, 200, 300, 150, 250], [0, 0, 0, 0, 0]);
    expect(planDelete(view(segments, { 'retention.bytes': 650, 'retention.ms': -1 })).actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0, 100], reason: 'retention.bytes' },
    ]);
    // Exactly at the limit after deleting is allowed (≥); below the limit nothing goes.
    expect(planDelete(view(segments, { 'retention.bytes': 900, 'retention.ms': -1 })).actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0], reason: 'retention.bytes' },
    ]);
    expect(planDelete(view(segments, { 'retention.bytes': 1001, 'retention.ms': -1 })).actions).toEqual([]);
    // Even retention.bytes = 0 keeps the active segment.
    expect(planDelete(view(segments, { 'retention.bytes': 0, 'retention.ms': -1 })).actions[0].kind === 'delete-segments').toBe(true);
    expect(planDelete(view(segments, { 'retention.bytes': '0', 'retention.ms': '-1' })).actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0, 100, 200, 300], reason: 'retention.bytes' },
    ]);
  });

  it('deletes segments wholly below the log start offset first, then retention on what is left', () => {
    const segments = segmentsOf([100, 100, 100, 100], [9 * HOUR, 9 * HOUR, 9 * HOUR, 0]);
    const plan = planDelete(view(segments, { 'retention.ms': 8 * HOUR, 'retention.bytes': -1 }, { logStartOffset: 150 }));
    expect(plan.actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0], reason: 'log-start-offset' },
      { kind: 'delete-segments', baseOffsets: [100, 200], reason: 'retention.ms' },
    ]);
    // logStartOffset exactly at a segment's base makes the segment before it deletable.
    expect(planDelete(view(segments, { 'retention.ms': -1 }, { logStartOffset: 200 })).actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0, 100], reason: 'log-start-offset' },
    ]);
  });

  it("uses Kafka's default retention (7 days) when retention.ms is not configured", () => {
    const segments = segmentsOf([1, 1, 1], [8 * 24 * HOUR, 6 * 24 * HOUR, 0]);
    expect(planDelete(view(segments, {})).actions).toEqual([{ kind: 'delete-segments', baseOffsets: [0], reason: 'retention.ms' }]);
  });
});

describe('compact policy', () => {
  const segments = segmentsOf([100, 100, 100, 100], [5 * HOUR, 4 * HOUR, 3 * HOUR, 0]);

  it('compacts the closed segments when the dirty ratio exceeds min.cleanable.dirty.ratio (strictly, as Kafka)', () => {
    const config = { 'min.cleanable.dirty.ratio': 0.5, 'delete.retention.ms': HOUR };
    expect(planCompact(view(segments, config, { dirtyRatio: 0.6 })).actions).toEqual([
      { kind: 'compact', fromOffset: 0, toOffset: 300, deleteTombstonesBeforeMs: NOW - HOUR },
    ]);
    expect(planCompact(view(segments, config, { dirtyRatio: 0.5 })).actions).toEqual([]);
    expect(planCompact(view(segments, config, { dirtyRatio: 0.4 })).actions).toEqual([]);
  });

  it('compacts regardless of the ratio when the oldest dirty record exceeds max.compaction.lag.ms', () => {
    const config = { 'max.compaction.lag.ms': 2 * HOUR };
    expect(planCompact(view(segments, config, { dirtyRatio: 0.1, firstDirtyTimestampMs: NOW - 3 * HOUR })).actions).toHaveLength(1);
    expect(planCompact(view(segments, config, { dirtyRatio: 0.1, firstDirtyTimestampMs: NOW - HOUR })).actions).toEqual([]);
    expect(planCompact(view(segments, {}, { dirtyRatio: 0.1, firstDirtyTimestampMs: 1 })).actions).toEqual([]);
  });

  it('ends the range at the first dirty segment holding records newer than now − min.compaction.lag.ms', () => {
    // Largest timestamps are 5 h, 4 h and 3 h old: with a 3.5 h lag the 3 h segment (base 200) is the first too new.
    expect(planCompact(view(segments, { 'min.compaction.lag.ms': 3.5 * HOUR }, { dirtyRatio: 1 })).actions).toEqual([
      { kind: 'compact', fromOffset: 0, toOffset: 200, deleteTombstonesBeforeMs: NOW - 86_400_000 },
    ]);
    expect(planCompact(view(segments, { 'min.compaction.lag.ms': 4.5 * HOUR }, { dirtyRatio: 1 })).actions).toEqual([
      { kind: 'compact', fromOffset: 0, toOffset: 100, deleteTombstonesBeforeMs: NOW - 86_400_000 },
    ]);
    // Only dirty segments count: with everything before 100 clean, a young clean head does not stop the range.
    const youngHead = segmentsOf([100, 100, 100, 100], [HOUR, 5 * HOUR, 4 * HOUR, 0]);
    expect(planCompact(view(youngHead, { 'min.compaction.lag.ms': 3.5 * HOUR }, { dirtyRatio: 1, cleanedUpToOffset: 100 })).actions).toEqual([
      { kind: 'compact', fromOffset: 0, toOffset: 300, deleteTombstonesBeforeMs: NOW - 86_400_000 },
    ]);
    // Nothing old enough: nothing to do.
    expect(planCompact(view(segments, { 'min.compaction.lag.ms': 10 * HOUR }, { dirtyRatio: 1 })).actions).toEqual([]);
  });

  it('does nothing when everything cleanable is already clean, or only the active segment exists', () => {
    expect(planCompact(view(segments, {}, { dirtyRatio: 1, cleanedUpToOffset: 300 })).actions).toEqual([]);
    expect(planCompact(view(segmentsOf([10], [0]), {}, { dirtyRatio: 1 })).actions).toEqual([]);
    // A checkpoint past the log end is reset to the log start, as Kafka does.
    expect(planCompact(view(segments, {}, { dirtyRatio: 1, cleanedUpToOffset: 10_000 })).actions).toHaveLength(1);
  });

  it('still deletes segments below the log start offset, and compacts only what remains', () => {
    expect(planCompact(view(segments, { 'retention.ms': 0 }, { dirtyRatio: 1, logStartOffset: 100 })).actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0], reason: 'log-start-offset' },
      { kind: 'compact', fromOffset: 100, toOffset: 300, deleteTombstonesBeforeMs: NOW - 86_400_000 },
    ]);
  });
});

describe('compact,delete policy', () => {
  it('applies retention first, then compacts the closed segments that are left', () => {
    const segments = segmentsOf([100, 100, 100, 100], [5 * HOUR, 4 * HOUR, 3 * HOUR, 0]);
    const v = view(segments, { 'retention.ms': 4.5 * HOUR }, { dirtyRatio: 0.9 });
    const plan = planCompactDelete(v);
    expect(plan.actions).toEqual([
      { kind: 'delete-segments', baseOffsets: [0], reason: 'retention.ms' },
      { kind: 'compact', fromOffset: 100, toOffset: 300, deleteTombstonesBeforeMs: NOW - 86_400_000 },
    ]);
    expect(validateCleanupPlan(v, plan)).toEqual([]);
  });
});

describe('conformance', () => {
  it.each([1, 2, 3, 4])('all three policies pass the kit (seed %i)', (seed) => {
    for (const plugin of [deleteCleanupPolicyPlugin, compactCleanupPolicyPlugin, compactDeleteCleanupPolicyPlugin]) {
      expect(checkCleanupPolicy(plugin, { seed })).toEqual([]);
    }
  });
});
