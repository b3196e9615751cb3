import type { CleanupPlan, PartitionLogView, SegmentView } from '../cleanup-policy';
import type { PluginDefinition } from '../define-plugin';
import { validateCleanupPlan } from '../validation/validate-cleanup-plan';
import { type ConformanceViolation, ViolationCollector } from '../validation/violation';
import { deepClone, deepEqual, deepFreeze, errorMessage, show } from './deep';
import { type ConformanceOptions, instantiate, isFrozenWriteError } from './options';
import { Gen } from './seeded-prng';
import { TEST_NOW_MS } from './test-context';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Runs a cleanup policy over generated partition views (one segment, empty
 * active segments, missing timestamps, timestamps in the future, log start
 * inside a segment, extreme retention settings) and reports:
 * - the rules of `validateCleanupPlan` (`shape`, `unknown-segment`,
 *   `active-segment`, `duplicate`, `prefix`, `range`, `compact-deleted`);
 * - `no-throw`; `no-mutation` (views are frozen);
 * - `determinism`: the same view planned twice, or by a second instance, gives another plan.
 * `options.config` is merged into every view's topic config.
 */
export function checkCleanupPolicy(plugin: PluginDefinition<'cleanup-policy'>, options: ConformanceOptions = {}): ConformanceViolation[] {
  const violations = new ViolationCollector();
  const a = instantiate(plugin, 'cleanup-policy', options, violations);
  const b = instantiate(plugin, 'cleanup-policy', options, violations);
  if (!a || !b) return violations.list();
  const seed = options.seed ?? 1;
  const gen = new Gen(seed ^ 0xc1ea_0a11);
  const cases = options.cases ?? 300;
  for (let i = 0; i < cases; i++) {
    const view = deepFreeze(randomView(gen, i, options.config ?? {}));
    const where = `case ${i} (seed ${seed}): ${show(view, 600)}`;
    let plan: CleanupPlan;
    try {
      plan = a.plan(view);
    } catch (error) {
      violations.add(isFrozenWriteError(error) ? 'no-mutation' : 'no-throw', `plan() threw ${errorMessage(error)}; ${where}`);
      continue;
    }
    const problems = validateCleanupPlan(view, plan);
    violations.addAll(problems.map((p) => ({ rule: p.rule, message: `${p.message}; ${where}` })));
    if (problems.length > 0) continue;
    try {
      if (!deepEqual(a.plan(view), plan)) violations.add('determinism', `planning the same view twice gave different plans; ${where}`);
      if (!deepEqual(b.plan(deepClone(view)), plan)) violations.add('determinism', `a second instance planned differently; ${where}`);
    } catch (error) {
      violations.add('no-throw', `plan() threw ${errorMessage(error)}; ${where}`);
    }
  }
  return violations.list();
}

function randomView(gen: Gen, index: number, extraConfig: Readonly<Record<string, string>>): PartitionLogView {
  const nowMs = TEST_NOW_MS;
  // The first cases pin edge cases; the rest are random.
  const segmentCount = index === 0 ? 1 : gen.int(1, 8);
  const segments: SegmentView[] = [];
  let base = gen.chance(0.3) ? 0 : gen.int(0, 10_000);
  for (let s = 0; s < segmentCount; s++) {
    const isActive = s === segmentCount - 1;
    const records = isActive && gen.chance(0.3) ? 0 : gen.int(1, 500);
    const ageMs = gen.chance(0.05) ? -gen.int(1, DAY_MS) : gen.int(0, 14 * DAY_MS);
    segments.push({
      baseOffset: base,
      nextOffset: base + records,
      sizeBytes: records === 0 ? 0 : records * gen.int(20, 400),
      largestTimestampMs: records === 0 || gen.chance(0.1) ? -1 : nowMs - ageMs,
      lastModifiedMs: nowMs - gen.int(0, 14 * DAY_MS),
      isActive,
    });
    base += records + (gen.chance(0.1) ? gen.int(1, 50) : 0);
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  const logStartOffset = gen.chance(0.3) ? gen.int(first.baseOffset, last.nextOffset) : first.baseOffset;
  const boundary = gen.pick(segments).baseOffset;
  const everythingExpires = index === 1;
  return {
    topic: 'conformance',
    partition: gen.int(0, 7),
    segments,
    logStartOffset,
    cleanedUpToOffset: gen.chance(0.5) ? 0 : boundary,
    dirtyRatio: gen.chance(0.2) ? gen.pick([0, 0.5, 1]) : gen.float(),
    firstDirtyTimestampMs: gen.chance(0.2) ? -1 : nowMs - gen.int(0, 14 * DAY_MS),
    config: {
      'cleanup.policy': ['delete'],
      'retention.ms': everythingExpires ? 0 : gen.pick([-1, 0, HOUR_MS, DAY_MS, 7 * DAY_MS]),
      'retention.bytes': everythingExpires ? 0 : gen.pick([-1, 0, 1_000, 50_000, 1_000_000]),
      'min.cleanable.dirty.ratio': gen.pick([0, 0.5, 0.9]),
      'min.compaction.lag.ms': gen.pick([0, 60_000, DAY_MS]),
      'max.compaction.lag.ms': gen.pick([Number.MAX_SAFE_INTEGER, HOUR_MS]),
      'delete.retention.ms': DAY_MS,
      ...extraConfig,
    },
    nowMs,
  };
}
