import type { TopicPartitionRef } from './record';

/** A group member as the assignor sees it (from its JoinGroup subscription). */
export interface AssignorMember {
  readonly memberId: string;
  /** `group.instance.id` of a static member, if any. Kafka's assignors order static members first by it. */
  readonly groupInstanceId?: string | null;
  /** Topics the member subscribes to. */
  readonly subscription: readonly string[];
  /** Opaque bytes from the member's subscription, for custom assignors. */
  readonly userData?: Uint8Array | null;
  /** Partitions the member owned before this rebalance (for sticky/cooperative assignors). */
  readonly ownedPartitions?: readonly TopicPartitionRef[];
}

export interface AssignmentInput {
  readonly members: readonly AssignorMember[];
  /** Partition count per topic, for every subscribed topic that exists. Missing topics are not assigned. */
  readonly partitionsPerTopic: Readonly<Record<string, number>>;
}

/** memberId → the partitions that member consumes. Every member has an entry (possibly empty). */
export type Assignment = Record<string, TopicPartitionRef[]>;

/**
 * Maps members' subscriptions to partitions on the group leader (as Kafka's
 * ConsumerPartitionAssignor). Contract: synchronous and deterministic (the
 * same members and topics in any order give the same assignment); every
 * partition of every topic that at least one member subscribes to goes to
 * exactly one member that subscribes to it; inputs are never mutated. A throw
 * or an invalid assignment fails the rebalance (fail-closed).
 */
export interface Assignor {
  /** The protocol name members announce (`partition.assignment.strategy`); equals the plugin's name. */
  readonly name: string;
  assign(input: AssignmentInput): Assignment;
  close?(): void | Promise<void>;
}
