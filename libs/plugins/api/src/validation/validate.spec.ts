import type { PartitionLogView, SegmentView } from '../cleanup-policy';
import { validateAssignment } from './validate-assignment';
import { validateCleanupPlan } from './validate-cleanup-plan';

const seg = (baseOffset: number, nextOffset: number, isActive = false): SegmentView => ({
  baseOffset,
  nextOffset,
  sizeBytes: (nextOffset - baseOffset) * 100,
  largestTimestampMs: 1000,
  lastModifiedMs: 1000,
  isActive,
});

const view: PartitionLogView = {
  topic: 't',
  partition: 0,
  segments: [seg(0, 100), seg(100, 200), seg(200, 300), seg(300, 310, true)],
  logStartOffset: 0,
  cleanedUpToOffset: 0,
  dirtyRatio: 1,
  firstDirtyTimestampMs: 1000,
  config: {},
  nowMs: 10_000,
};

const rules = (plan: unknown): string[] => validateCleanupPlan(view, plan).map((v) => v.rule);

describe('validateCleanupPlan', () => {
  it('accepts an empty plan, a prefix deletion and a compaction of the rest', () => {
    expect(rules({ actions: [] })).toEqual([]);
    expect(
      rules({
        actions: [
          { kind: 'delete-segments', baseOffsets: [0], reason: 'log-start-offset' },
          { kind: 'delete-segments', baseOffsets: [100], reason: 'retention.ms' },
          { kind: 'compact', fromOffset: 200, toOffset: 300, deleteTombstonesBeforeMs: 0 },
        ],
      }),
    ).toEqual([]);
  });

  it('rejects touching the active segment', () => {
    expect(rules({ actions: [{ kind: 'delete-segments', baseOffsets: [0, 100, 200, 300], reason: 'retention.ms' }] })).toEqual(['active-segment']);
    expect(rules({ actions: [{ kind: 'compact', fromOffset: 0, toOffset: 301, deleteTombstonesBeforeMs: 0 }] })).toEqual(['active-segment']);
  });

  it('rejects holes, unknown or repeated segments, and compacting what is deleted', () => {
    expect(rules({ actions: [{ kind: 'delete-segments', baseOffsets: [100], reason: 'retention.ms' }] })).toEqual(['prefix']);
    expect(rules({ actions: [{ kind: 'delete-segments', baseOffsets: [0, 0, 55], reason: 'custom' }] })).toEqual(['duplicate', 'unknown-segment']);
    expect(
      rules({
        actions: [
          { kind: 'delete-segments', baseOffsets: [0], reason: 'retention.bytes' },
          { kind: 'compact', fromOffset: 0, toOffset: 200, deleteTombstonesBeforeMs: 0 },
        ],
      }),
    ).toEqual(['compact-deleted']);
  });

  it('rejects malformed plans', () => {
    expect(rules(undefined)).toEqual(['shape']);
    expect(rules({ actions: [{ kind: 'truncate' }] })).toEqual(['shape']);
    expect(rules({ actions: [{ kind: 'delete-segments', baseOffsets: [0], reason: 'because' }] })).toEqual(['shape']);
    expect(rules({ actions: [{ kind: 'compact', fromOffset: 5, toOffset: 5, deleteTombstonesBeforeMs: 0 }] })).toEqual(['shape']);
  });
});

describe('validateAssignment', () => {
  const input = {
    members: [
      { memberId: 'a', subscription: ['x', 'y'] },
      { memberId: 'b', subscription: ['x'] },
    ],
    partitionsPerTopic: { x: 2, y: 1, z: 3 },
  };
  const rulesOf = (output: unknown): string[] => validateAssignment(input, output).map((v) => v.rule);

  it('accepts each subscribed partition exactly once', () => {
    expect(rulesOf({ a: [{ topic: 'x', partition: 0 }, { topic: 'y', partition: 0 }], b: [{ topic: 'x', partition: 1 }] })).toEqual([]);
  });

  it('names every broken rule', () => {
    expect(rulesOf({ a: [{ topic: 'x', partition: 0 }, { topic: 'y', partition: 0 }] })).toEqual(['members', 'coverage']);
    expect(rulesOf({ a: [{ topic: 'x', partition: 0 }, { topic: 'y', partition: 0 }], b: [{ topic: 'x', partition: 0 }, { topic: 'x', partition: 1 }] })).toEqual(['duplicate']);
    expect(rulesOf({ a: [{ topic: 'x', partition: 0 }, { topic: 'y', partition: 0 }], b: [{ topic: 'x', partition: 1 }, { topic: 'y', partition: 7 }] })).toEqual(['range']);
    expect(rulesOf({ a: [{ topic: 'x', partition: 0 }, { topic: 'y', partition: 0 }], b: [{ topic: 'x', partition: 1 }, { topic: 'z', partition: 0 }], c: [] })).toEqual([
      'unknown-member',
      'subscription',
    ]);
    expect(rulesOf([])).toEqual(['shape']);
  });
});
