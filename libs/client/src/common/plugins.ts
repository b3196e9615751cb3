import type { RecordHeader } from './batch-codec';

/**
 * The plugin shapes the client engines call. They mirror the SPI of
 * `@tributary/plugins-api` (partitioner, producer/consumer interceptors); the
 * engines depend only on these structural types, so an SPI plugin instance is
 * accepted as is.
 */
export interface PartitionerInput {
  readonly topic: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** The topic's partition count. */
  readonly partitionCount: number;
  /** Partitions with a live leader (may be empty). */
  readonly availablePartitions: readonly number[];
}

export interface Partitioner {
  /**
   * Picks the partition for a record. Returning a negative number (Kafka's
   * UNKNOWN_PARTITION) hands the record to the built-in logic (murmur2 of the
   * key, or uniform sticky without a key).
   */
  partition(input: PartitionerInput): number;
  /** Called when a new batch is created for the partition the partitioner chose (Kafka's onNewBatch). */
  onNewBatch?(topic: string, previousPartition: number): void;
  close?(): void;
}

/** Producer interceptor: `onSend` may modify or reroute a record; `onAcknowledgement` sees every outcome. */
export interface ProducerInterceptor<K = unknown, V = unknown> {
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V>;
  onAcknowledgement?(metadata: RecordMetadata | null, error: Error | null): void;
  close?(): void;
}

/** Consumer interceptor: `onConsume` sees (and may filter or change) what `poll` returns. */
export interface ConsumerInterceptor<K = unknown, V = unknown> {
  onConsume?(records: ConsumerRecord<K, V>[]): ConsumerRecord<K, V>[];
  close?(): void;
}

/** A record as the application sends it. */
export interface ProducerRecord<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition?: number;
  readonly key?: K | null;
  readonly value: V | null;
  readonly headers?: Readonly<Record<string, string | Uint8Array | null>> | readonly { readonly key: string; readonly value: string | Uint8Array | null }[];
  /** CreateTime in ms since the epoch; defaults to now. */
  readonly timestamp?: number;
}

/** Where an acknowledged record landed. `offset` is -1 with acks=0. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's CreateTime, or the broker's LogAppendTime when the topic uses it. */
  readonly timestamp: number;
  readonly serializedKeySize: number;
  readonly serializedValueSize: number;
}

/** A record as `poll` returns it. */
export interface ConsumerRecord<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly key: K;
  readonly value: V;
  readonly headers: readonly RecordHeader[];
  /** The partition leader epoch of the batch, -1 if unknown. */
  readonly leaderEpoch: number;
  readonly serializedKeySize: number;
  readonly serializedValueSize: number;
}

/** True when `value` looks like a Partitioner instance. */
export function isPartitioner(value: unknown): value is Partitioner {
  return typeof value === 'object' && value !== null && typeof (value as Partitioner).partition === 'function';
}

/** True when `value` looks like an interceptor object (every hook is optional). */
export function isInterceptor(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
