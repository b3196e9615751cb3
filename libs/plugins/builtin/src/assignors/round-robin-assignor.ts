import { type Assignment, type AssignmentInput, type Assignor, definePlugin } from '@tributary/plugins-api';
import { BUILTIN_API_VERSION, BUILTIN_PLUGIN_VERSION } from '../version';
import { compareMembers, compareStrings, partitionCountOf } from './member-order';

/**
 * Kafka's RoundRobinAssignor: all partitions of all subscribed topics, sorted
 * by topic then partition, dealt one by one around the members in Kafka's
 * member order; a member that does not subscribe to a partition's topic is
 * skipped for that partition.
 */
export function assignRoundRobin(input: AssignmentInput): Assignment {
  const assignment: Assignment = Object.fromEntries(input.members.map((m) => [m.memberId, []]));
  const members = [...input.members].sort(compareMembers);
  if (members.length === 0) return assignment;
  const subscriptions = members.map((m) => new Set(m.subscription));
  const topics = [...new Set(members.flatMap((m) => m.subscription))].sort(compareStrings);
  let cursor = 0;
  for (const topic of topics) {
    const partitionCount = partitionCountOf(input.partitionsPerTopic, topic) ?? 0;
    for (let partition = 0; partition < partitionCount; partition++) {
      // Some member subscribes to `topic` (it came from a subscription), so this ends.
      while (!subscriptions[cursor].has(topic)) cursor = (cursor + 1) % members.length;
      assignment[members[cursor].memberId].push({ topic, partition });
      cursor = (cursor + 1) % members.length;
    }
  }
  return assignment;
}

export const roundRobinAssignorPlugin = definePlugin({
  kind: 'assignor',
  name: 'roundrobin',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: "Kafka's RoundRobinAssignor: partitions dealt in turn to the members that subscribe to them.",
  create: (): Assignor => ({ name: 'roundrobin', assign: assignRoundRobin }),
});
