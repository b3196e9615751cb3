import { type Assignment, type AssignmentInput, type Assignor, definePlugin } from '@tributary/plugins-api';
import { BUILTIN_API_VERSION, BUILTIN_PLUGIN_VERSION } from '../version';
import { compareMembers, compareStrings, partitionCountOf } from './member-order';

/**
 * Kafka's RangeAssignor (without rack awareness): per topic, the subscribed
 * members in Kafka's member order each take a contiguous range; with `n`
 * partitions and `c` members the first `n % c` members take one extra.
 * Topics that do not exist (no partition count) are skipped.
 */
export function assignRange(input: AssignmentInput): Assignment {
  const assignment: Assignment = Object.fromEntries(input.members.map((m) => [m.memberId, []]));
  const topics = [...new Set(input.members.flatMap((m) => m.subscription))].sort(compareStrings);
  for (const topic of topics) {
    const partitionCount = partitionCountOf(input.partitionsPerTopic, topic);
    if (partitionCount === undefined) continue;
    const consumers = input.members.filter((m) => m.subscription.includes(topic)).sort(compareMembers);
    const perConsumer = Math.floor(partitionCount / consumers.length);
    const withExtra = partitionCount % consumers.length;
    consumers.forEach((member, i) => {
      const start = perConsumer * i + Math.min(i, withExtra);
      const length = perConsumer + (i + 1 > withExtra ? 0 : 1);
      for (let p = start; p < start + length; p++) assignment[member.memberId].push({ topic, partition: p });
    });
  }
  return assignment;
}

export const rangeAssignorPlugin = definePlugin({
  kind: 'assignor',
  name: 'range',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: "Kafka's RangeAssignor: contiguous ranges of each topic per member.",
  create: (): Assignor => ({ name: 'range', assign: assignRange }),
});
