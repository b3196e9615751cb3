import type { TopicPartition } from '@tributary/util';

/** One partition of a fetch: where to read from and how much. */
export interface FetchPartitionRequest {
  readonly topicPartition: TopicPartition;
  readonly fetchOffset: number;
  /** partition_max_bytes */
  readonly maxBytes: number;
  /** current_leader_epoch, -1 to skip the check. */
  readonly currentLeaderEpoch: number;
}

/** A fetch as the replica manager sees it (already bounded by the handler). */
export interface FetchParams {
  readonly partitions: readonly FetchPartitionRequest[];
  /** Bytes across all partitions; the first batch is returned even if larger. */
  readonly maxBytes: number;
  readonly minBytes: number;
  readonly maxWaitMs: number;
}

/** One partition's fetch outcome. */
export interface FetchPartitionResult {
  readonly topicPartition: TopicPartition;
  /** Kafka error code; 0 for none. */
  readonly errorCode: number;
  readonly errorMessage: string;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Whole batches, as stored. */
  readonly records: Buffer;
}
