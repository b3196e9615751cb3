import type { AssignorMember } from '@tributary/plugins-api';

/**
 * Kafka's member order for its built-in assignors (AbstractPartitionAssignor.MemberInfo):
 * static members (with a group.instance.id) first, ordered by instance id,
 * then dynamic members ordered by member id. Strings compare by UTF-16 code
 * units, as Java's String.compareTo.
 */
export function compareMembers(a: AssignorMember, b: AssignorMember): number {
  const ia = a.groupInstanceId ?? null;
  const ib = b.groupInstanceId ?? null;
  if (ia !== null && ib !== null) return compareStrings(ia, ib);
  if (ia !== null) return -1;
  if (ib !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function partitionCountOf(partitionsPerTopic: Readonly<Record<string, number>>, topic: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(partitionsPerTopic, topic) ? partitionsPerTopic[topic] : undefined;
}
