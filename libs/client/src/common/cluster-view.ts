import type { TopicPartition } from '@tributary/util';
import type { BrokerMetadata, MetadataResponse, NodeTarget, PartitionMetadata } from '../transport/transport';

/** The leader of a partition, with the broker's address. */
export interface PartitionLeader extends NodeTarget {
  readonly leaderEpoch: number;
}

interface TopicState {
  readonly errorCode: number;
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionMetadata[];
}

/** An immutable snapshot of cluster metadata: brokers, topics, partition leaders. */
export class ClusterView {
  static readonly EMPTY = new ClusterView(null, -1, [], []);

  private readonly brokers: ReadonlyMap<number, BrokerMetadata>;
  private readonly topics: ReadonlyMap<string, TopicState>;

  constructor(
    readonly clusterId: string | null,
    readonly controllerId: number,
    brokers: readonly BrokerMetadata[],
    topics: readonly { name: string; errorCode: number; partitions: readonly PartitionMetadata[] }[],
  ) {
    this.brokers = new Map(brokers.map((b) => [b.nodeId, b]));
    this.topics = new Map(
      topics.map((t) => [t.name, { errorCode: t.errorCode, partitions: [...t.partitions].sort((a, b) => a.partition - b.partition) }]),
    );
  }

  /** Merges a response into this view: topics in the response replace ours, others are kept. */
  merge(response: MetadataResponse): ClusterView {
    const topics = new Map(this.topics);
    for (const topic of response.topics) topics.set(topic.name, { errorCode: topic.errorCode, partitions: topic.partitions });
    return new ClusterView(
      response.clusterId,
      response.controllerId,
      response.brokers,
      [...topics].map(([name, state]) => ({ name, ...state })),
    );
  }

  /** Keeps only `keep` topics (so topics nobody uses any more age out). */
  retainTopics(keep: ReadonlySet<string>): ClusterView {
    return new ClusterView(
      this.clusterId,
      this.controllerId,
      [...this.brokers.values()],
      [...this.topics].filter(([name]) => keep.has(name)).map(([name, state]) => ({ name, ...state })),
    );
  }

  nodes(): BrokerMetadata[] {
    return [...this.brokers.values()];
  }

  node(nodeId: number): NodeTarget | undefined {
    return this.brokers.get(nodeId);
  }

  hasTopic(topic: string): boolean {
    const state = this.topics.get(topic);
    return state !== undefined && state.errorCode === 0 && state.partitions.length > 0;
  }

  /** The topic-level error from the last metadata response that named the topic. */
  topicErrorCode(topic: string): number | undefined {
    return this.topics.get(topic)?.errorCode;
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  partitionCount(topic: string): number | undefined {
    return this.hasTopic(topic) ? this.topics.get(topic)?.partitions.length : undefined;
  }

  partitions(topic: string): readonly PartitionMetadata[] {
    return this.topics.get(topic)?.partitions ?? [];
  }

  /** Partitions of `topic` that have a live leader. */
  availablePartitions(topic: string): number[] {
    return this.partitions(topic)
      .filter((p) => p.leaderId >= 0 && this.brokers.has(p.leaderId))
      .map((p) => p.partition);
  }

  leaderFor(tp: TopicPartition): PartitionLeader | undefined {
    const meta = this.topics.get(tp.topic)?.partitions[tp.partition];
    if (!meta || meta.partition !== tp.partition || meta.leaderId < 0) return undefined;
    const broker = this.brokers.get(meta.leaderId);
    return broker && { nodeId: broker.nodeId, host: broker.host, port: broker.port, leaderEpoch: meta.leaderEpoch };
  }
}
