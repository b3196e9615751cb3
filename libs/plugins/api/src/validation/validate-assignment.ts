import type { AssignmentInput } from '../assignor';
import type { ConformanceViolation } from './violation';

/**
 * Checks an assignor's output against its input: every member has a list;
 * no unknown members; each entry is a real partition of a topic the member
 * subscribes to; every partition of every subscribed, existing topic is
 * assigned exactly once. Used by the conformance kit and by the host, which
 * rejects an invalid assignment rather than hand it to the group.
 */
export function validateAssignment(input: AssignmentInput, output: unknown): ConformanceViolation[] {
  const violations: ConformanceViolation[] = [];
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    return [{ rule: 'shape', message: 'assign() must return an object keyed by memberId' }];
  }
  const result = output as Record<string, unknown>;
  const members = new Map(input.members.map((m) => [m.memberId, m]));
  for (const memberId of Object.keys(result)) {
    if (!members.has(memberId)) violations.push({ rule: 'unknown-member', message: `assignment for unknown member '${memberId}'` });
  }
  const owner = new Map<string, string>();
  for (const member of input.members) {
    const list = result[member.memberId];
    if (!Array.isArray(list)) {
      violations.push({ rule: 'members', message: `member '${member.memberId}' has no assignment list (every member needs one, possibly empty)` });
      continue;
    }
    const subscribed = new Set(member.subscription);
    for (const entry of list as unknown[]) {
      const tp = entry as { topic?: unknown; partition?: unknown } | null;
      if (typeof tp !== 'object' || tp === null || typeof tp.topic !== 'string' || !Number.isInteger(tp.partition)) {
        violations.push({ rule: 'shape', message: `member '${member.memberId}' has an entry that is not { topic, partition }` });
        continue;
      }
      const topic = tp.topic;
      const partition = tp.partition as number;
      const count = Object.prototype.hasOwnProperty.call(input.partitionsPerTopic, topic) ? input.partitionsPerTopic[topic] : undefined;
      if (count === undefined || partition < 0 || partition >= count) {
        violations.push({ rule: 'range', message: `member '${member.memberId}' got ${topic}-${partition}, which does not exist` });
        continue;
      }
      if (!subscribed.has(topic)) {
        violations.push({ rule: 'subscription', message: `member '${member.memberId}' got ${topic}-${partition} but does not subscribe to '${topic}'` });
      }
      const key = `${topic}-${partition}`;
      const previous = owner.get(key);
      if (previous !== undefined) {
        violations.push({ rule: 'duplicate', message: `${key} is assigned to both '${previous}' and '${member.memberId}'` });
      } else {
        owner.set(key, member.memberId);
      }
    }
  }
  const subscribedTopics = new Set(input.members.flatMap((m) => m.subscription));
  for (const topic of [...subscribedTopics].sort()) {
    const count = Object.prototype.hasOwnProperty.call(input.partitionsPerTopic, topic) ? input.partitionsPerTopic[topic] : undefined;
    if (count === undefined) continue;
    for (let p = 0; p < count; p++) {
      if (!owner.has(`${topic}-${p}`)) violations.push({ rule: 'coverage', message: `${topic}-${p} is subscribed to but assigned to no member` });
    }
  }
  return violations;
}
