import type { Assignment, AssignmentInput, AssignorMember } from '../assignor';
import type { PluginDefinition } from '../define-plugin';
import { validateAssignment } from '../validation/validate-assignment';
import { type ConformanceViolation, ViolationCollector } from '../validation/violation';
import { deepClone, deepEqual, errorMessage, show } from './deep';
import { type ConformanceOptions, instantiate } from './options';
import { Gen } from './seeded-prng';

/**
 * Runs an assignor over generated groups (no members, static and dynamic
 * members, topics with zero partitions, subscriptions to topics that do not
 * exist, owned partitions) and reports:
 * - the rules of `validateAssignment` (`members`, `unknown-member`, `range`,
 *   `subscription`, `duplicate`, `coverage`);
 * - `no-throw`, `no-mutation`;
 * - `determinism`: two instances with the same seed disagree, or
 * - `order-independence`: the same group listed in another order (members,
 *   subscriptions, topics) gets a different assignment.
 */
export function checkAssignor(plugin: PluginDefinition<'assignor'>, options: ConformanceOptions = {}): ConformanceViolation[] {
  const violations = new ViolationCollector();
  const a = instantiate(plugin, 'assignor', options, violations);
  const b = instantiate(plugin, 'assignor', options, violations);
  if (!a || !b) return violations.list();
  const seed = options.seed ?? 1;
  const gen = new Gen(seed ^ 0xa551_6e00);
  const cases = options.cases ?? 200;
  for (let i = 0; i < cases; i++) {
    const input = randomAssignmentInput(gen);
    const where = `case ${i} (seed ${seed}): ${show(input, 400)}`;
    const copy = deepClone(input);
    let result: Assignment;
    try {
      result = a.assign(copy);
    } catch (error) {
      violations.add('no-throw', `assign() threw ${errorMessage(error)}; ${where}`);
      continue;
    }
    if (!deepEqual(copy, input)) violations.add('no-mutation', `assign() mutated its input; ${where}`);
    const problems = validateAssignment(input, result);
    violations.addAll(problems, '');
    if (problems.length > 0) continue;
    try {
      const again = b.assign(deepClone(input));
      if (!deepEqual(normalize(again), normalize(result))) {
        violations.add('determinism', `two instances with the same seed returned different assignments; ${where}`);
      }
      const reordered = b.assign(reorder(gen, input));
      if (!deepEqual(normalize(reordered), normalize(result))) {
        violations.add('order-independence', `listing the same group in another order changed the assignment; ${where}`);
      }
    } catch (error) {
      violations.add('no-throw', `assign() threw ${errorMessage(error)}; ${where}`);
    }
  }
  return violations.list();
}

/** Sorts each member's list so assignments compare as sets. */
function normalize(assignment: Assignment): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const memberId of Object.keys(assignment).sort()) {
    out[memberId] = (assignment[memberId] ?? []).map((tp) => `${tp.topic}\u0000${tp.partition}`).sort();
  }
  return out;
}

function reorder(gen: Gen, input: AssignmentInput): AssignmentInput {
  const members = gen.shuffle(input.members).map((m) => ({ ...deepClone(m), subscription: gen.shuffle(m.subscription) }));
  const partitionsPerTopic: Record<string, number> = {};
  for (const topic of gen.shuffle(Object.keys(input.partitionsPerTopic))) partitionsPerTopic[topic] = input.partitionsPerTopic[topic];
  return { members, partitionsPerTopic };
}

function randomAssignmentInput(gen: Gen): AssignmentInput {
  const topics = ['orders', 'clicks', 'audit', 'metrics'].slice(0, gen.int(1, 4));
  const partitionsPerTopic: Record<string, number> = {};
  for (const topic of topics) if (!gen.chance(0.1)) partitionsPerTopic[topic] = gen.chance(0.1) ? 0 : gen.int(1, 9);
  const subscribable = gen.chance(0.2) ? [...topics, 'not-created-yet'] : topics;
  const members: AssignorMember[] = Array.from({ length: gen.int(0, 6) }, (_, i) => {
    let subscription = gen.subset(subscribable);
    if (subscription.length === 0) subscription = [gen.pick(subscribable)];
    const owned = subscription.flatMap((topic) =>
      gen.chance(0.3) && (partitionsPerTopic[topic] ?? 0) > 0 ? [{ topic, partition: gen.int(0, partitionsPerTopic[topic] - 1) }] : [],
    );
    return {
      memberId: `consumer-${gen.int(0, 99)}-${i}`,
      groupInstanceId: gen.chance(0.3) ? `instance-${gen.int(0, 99)}-${i}` : null,
      subscription,
      userData: gen.chance(0.2) ? gen.bytes(4) : null,
      ownedPartitions: owned,
    };
  });
  return { members, partitionsPerTopic };
}
