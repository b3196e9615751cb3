/** Types shared by several plugin kinds. */

/** A record header, as in Kafka: a string key and bytes (or null). */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A topic-partition reference. */
export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** A hook result that may be synchronous or a promise. */
export type MaybePromise<T> = T | Promise<T>;
