import type { RecordHeader } from './record';

/** The record as a partitioner sees it (serialized key and value). */
export interface PartitionerRecord {
  readonly topic: string;
  /** Serialized key; null for keyless records (an empty array is a key). */
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

/** What a partitioner knows about the topic it partitions for. */
export interface PartitionerCluster {
  /** Number of partitions of the topic (partitions are 0 … partitionCount-1). */
  readonly partitionCount: number;
  /** Partitions that currently have a leader, ascending; may be empty. */
  readonly availablePartitions: readonly number[];
}

/**
 * Chooses a partition for a record on the producer. Contract:
 * - `partition` returns an integer in [0, partitionCount), synchronously, and
 *   never mutates its arguments. It may keep state (sticky or round-robin
 *   partitioners do), but that state must come only from earlier calls and the
 *   context's PRNG, so two instances created with the same seed and fed the
 *   same calls return the same partitions.
 * - `onNewBatch` is called (as Kafka's `Partitioner.onNewBatch`) when the
 *   record just partitioned to `prevPartition` would start a new batch; the
 *   producer then calls `partition` again for that same record, so sticky
 *   partitioners can switch partitions at batch boundaries.
 * - A throw fails the send (fail-closed): there is no safe partition to guess.
 */
export interface Partitioner {
  partition(record: PartitionerRecord, cluster: PartitionerCluster): number;
  onNewBatch?(topic: string, cluster: PartitionerCluster, prevPartition: number): void;
  close?(): void | Promise<void>;
}
