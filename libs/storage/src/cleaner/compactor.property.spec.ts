import fc from 'fast-check';
import { decodeAttributes, decodeRecordBatch } from '@tributary/records';
import { OFFSET_MAP_ENTRY_BYTES } from './offset-map';
import { MemoryLog } from './test-support/memory-log';
import { compactRequest, rec, testCompactor, text } from './test-support/records';

/** One record as the model sees it: where it is and whether compaction may touch it. */
interface ModelRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly transactional: boolean;
}

type Command =
  | { readonly kind: 'append'; readonly records: readonly { key: string | null; value: string | null }[]; readonly transactional: boolean }
  | { readonly kind: 'roll' }
  | { readonly kind: 'compact'; readonly mapEntries: number };

const keyArb = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e') }, { weight: 1, arbitrary: fc.constant(null) });
const valueArb = fc.oneof({ weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constant(null) });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      records: fc.array(fc.record({ key: keyArb, value: valueArb }), { minLength: 1, maxLength: 4 }),
      transactional: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'roll' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), mapEntries: fc.integer({ min: 1, max: 6 }) }) },
);

function snapshot(log: MemoryLog): ModelRecord[] {
  return log.allBatches().flatMap((batch) => {
    const decoded = decodeRecordBatch(batch);
    if (decoded.attributes.isControl) return [];
    const transactional = decodeAttributes(decoded.header.attributes).isTransactional;
    return decoded.records.map((r) => ({ offset: r.offset, key: text(r.key), value: text(r.value), transactional }));
  });
}

/** Checks one compaction against the model: `before` is the log before it, cleaned up to `cleanedUpTo`. */
function checkCompaction(before: ModelRecord[], after: ModelRecord[], cleanedUpTo: number): void {
  const byOffset = new Map(before.map((r) => [r.offset, r]));
  // Nothing new, nothing changed: every surviving record is an original one at its original offset.
  for (const r of after) expect(byOffset.get(r.offset)).toEqual(r);
  const survivors = new Set(after.map((r) => r.offset));
  const latestInRange = new Map<string, number>();
  const latestOverall = new Map<string, number>();
  for (const r of before) {
    if (r.transactional || r.key === null) continue;
    latestOverall.set(r.key, r.offset);
    if (r.offset < cleanedUpTo) latestInRange.set(r.key, r.offset);
  }
  for (const r of before) {
    const kept = survivors.has(r.offset);
    if (r.transactional || r.offset >= cleanedUpTo) {
      expect(kept).toBe(true); // outside what compaction may touch
    } else if (r.key === null) {
      expect(kept).toBe(false);
    } else if (latestInRange.get(r.key) !== r.offset) {
      expect(kept).toBe(false); // no older value remains in the cleaned range
    }
  }
  // For every key, its latest value is still readable.
  for (const offset of latestOverall.values()) expect(survivors.has(offset)).toBe(true);
}

describe('Compactor (property)', () => {
  it('keeps exactly the latest record per key in the cleaned range, at its original offset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 40 }), async (commands) => {
        const log = new MemoryLog();
        let cleanedUpTo = 0;
        let producerId = 0;
        for (const command of [...commands, { kind: 'roll' as const }, { kind: 'compact' as const, mapEntries: 100 }]) {
          if (command.kind === 'append') {
            log.append({
              records: command.records.map((r) => rec(r.key, r.value)),
              ...(command.transactional ? { isTransactional: true, producerId: ++producerId, producerEpoch: 0, baseSequence: 0 } : {}),
            });
          } else if (command.kind === 'roll') {
            log.roll();
          } else {
            const before = snapshot(log);
            const compactor = testCompactor({ mapBytes: Math.ceil((command.mapEntries + 1) * OFFSET_MAP_ENTRY_BYTES / 0.9) });
            // Tombstones are kept for a long time here: they behave as values.
            const result = await compactor.compact(log, compactRequest(0, cleanedUpTo));
            expect(result.cleanedUpToOffset).toBeGreaterThanOrEqual(cleanedUpTo);
            cleanedUpTo = result.cleanedUpToOffset;
            checkCompaction(before, snapshot(log), cleanedUpTo);
          }
        }
        // After the final full pass everything closed is clean.
        expect(cleanedUpTo).toBe(log.segments()[log.segments().length - 1].baseOffset);
      }),
      { numRuns: 400 },
    );
  });
});
