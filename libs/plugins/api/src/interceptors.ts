import type { MaybePromise, RecordHeader, TopicPartitionRef } from './record';

/** A record on its way out of a producer. */
export interface ProducerRecord {
  readonly topic: string;
  /** Explicit partition, or null/undefined to let the partitioner choose. */
  readonly partition?: number | null;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** Record timestamp (ms since epoch), or null/undefined for the producer's clock. */
  readonly timestampMs?: number | null;
}

/** What the broker acknowledged (offset -1 when the send failed before an offset was known). */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly serializedKeySize: number;
  readonly serializedValueSize: number;
}

/**
 * Sees every record a producer sends, in configuration order, before
 * partitioning and serialization into a batch (as Kafka's ProducerInterceptor).
 *
 * Bounded hooks: any hook may return a promise, and the host gives each call a
 * timeout (`hookTimeoutMs`, 1000 ms by default). Every hook is fail-open: if
 * `onSend` throws, rejects, times out or returns something that is not a
 * record, the record continues exactly as this interceptor received it and
 * the error is logged; failures of `onAcknowledgement` are logged and ignored.
 * A synchronous hook cannot be pre-empted, so keep hooks short.
 */
export interface ProducerInterceptor {
  /** Returns the record to send: the same one, or a modified copy (headers, value, topic, partition). Never mutate the argument. */
  onSend(record: ProducerRecord): MaybePromise<ProducerRecord>;
  /** Called once per record when the send succeeded (`error` null) or failed (`metadata` may be null). */
  onAcknowledgement?(metadata: RecordMetadata | null, error: Error | null): MaybePromise<void>;
  close?(): MaybePromise<void>;
}

/** A record as a consumer returns it from poll. */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  readonly leaderEpoch?: number | null;
}

/** An offset being committed for a partition. */
export interface CommittedOffset extends TopicPartitionRef {
  /** The next offset to consume. */
  readonly offset: number;
  readonly leaderEpoch?: number | null;
  readonly metadata?: string | null;
}

/**
 * Sees every batch a consumer's poll returns, and every commit (as Kafka's
 * ConsumerInterceptor). Same bounds as producer interceptors: a per-call
 * timeout for async hooks, and fail-open (records returned as received, errors
 * logged). `onConsume` may filter, modify or add records but must not mutate
 * its argument.
 */
export interface ConsumerInterceptor {
  onConsume(records: readonly ConsumerRecord[]): MaybePromise<readonly ConsumerRecord[]>;
  onCommit?(offsets: readonly CommittedOffset[]): MaybePromise<void>;
  close?(): MaybePromise<void>;
}
