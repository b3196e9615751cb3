import type { CompressionType, TimestampType } from '@tributary/records';
import type { TopicPartition } from '@tributary/util';
import fc from 'fast-check';

/**
 * fast-check arbitraries for Kafka-shaped test data. Records are plain
 * objects (key, value, headers, timestamp), not any codec's own type, so any
 * library can map them to its input.
 */

/** Kafka's longest topic name. */
export const MAX_TOPIC_NAME_LENGTH = 249;
const TOPIC_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';

/** Kafka's rule: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_TOPIC_NAME_LENGTH && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name);
}

export interface TopicNameOptions {
  readonly maxLength?: number;
  /** Allow names starting with `__` (internal topics); default false. */
  readonly internal?: boolean;
}

/** Valid Kafka topic names (short by default; pass maxLength up to 249 to reach the limit). */
export function topicNameArb(options: TopicNameOptions = {}): fc.Arbitrary<string> {
  const maxLength = Math.min(options.maxLength ?? 30, MAX_TOPIC_NAME_LENGTH);
  return fc
    .string({ unit: fc.constantFrom(...TOPIC_CHARS), minLength: 1, maxLength, size: 'max' })
    .filter((name) => name !== '.' && name !== '..' && (options.internal === true || !name.startsWith('__')));
}

/** Strings that are not valid topic names: empty, too long, "." / "..", or with a forbidden character. */
export function invalidTopicNameArb(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '.', '..', 'a'.repeat(MAX_TOPIC_NAME_LENGTH + 1)),
    fc.tuple(topicNameArb(), fc.constantFrom(' ', '/', '\\', ':', '*', 'é', '\n'), topicNameArb()).map(([a, bad, b]) => a + bad + b),
  );
}

export function partitionArb(maxPartition = 99): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: maxPartition });
}

export function topicPartitionArb(options: TopicNameOptions & { readonly maxPartition?: number } = {}): fc.Arbitrary<TopicPartition> {
  return fc.record({ topic: topicNameArb(options), partition: partitionArb(options.maxPartition) });
}

export interface BytesOptions {
  readonly maxLength?: number;
  /** Whether null is generated (Kafka's null key/value); default true. */
  readonly nullable?: boolean;
}

function bytesOrNull(options: BytesOptions, defaultMaxLength: number): fc.Arbitrary<Uint8Array | null> {
  const bytes = fc.uint8Array({ maxLength: options.maxLength ?? defaultMaxLength });
  return options.nullable === false ? bytes : fc.option(bytes, { nil: null, freq: 5 });
}

/** Record keys: bytes (small by default) or null. */
export function recordKeyArb(options: BytesOptions = {}): fc.Arbitrary<Uint8Array | null> {
  return bytesOrNull(options, 32);
}

/** Record values: bytes or null (a tombstone). */
export function recordValueArb(options: BytesOptions = {}): fc.Arbitrary<Uint8Array | null> {
  return bytesOrNull(options, 256);
}

/** A record header: a Unicode key and a value that may be null. */
export interface ArbitraryHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export function headerArb(): fc.Arbitrary<ArbitraryHeader> {
  return fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 16 }), value: recordValueArb({ maxLength: 32 }) });
}

export function headersArb(maxLength = 3): fc.Arbitrary<ArbitraryHeader[]> {
  return fc.array(headerArb(), { maxLength });
}

/** 2100-01-01T00:00:00Z: the default upper bound of generated timestamps. */
export const MAX_TEST_TIMESTAMP_MS = 4_102_444_800_000;

/** Millisecond timestamps in [min, max] (default: the epoch to 2100). */
export function timestampMsArb(options: { readonly minMs?: number; readonly maxMs?: number } = {}): fc.Arbitrary<number> {
  return fc.bigInt({ min: BigInt(options.minMs ?? 0), max: BigInt(options.maxMs ?? MAX_TEST_TIMESTAMP_MS) }).map(Number);
}

/** A record to produce, as a plain object. */
export interface ArbitraryRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly ArbitraryHeader[];
  readonly timestampMs: number;
}

export interface RecordOptions {
  readonly key?: BytesOptions;
  readonly value?: BytesOptions;
  readonly maxHeaders?: number;
  readonly minTimestampMs?: number;
  readonly maxTimestampMs?: number;
}

export function recordArb(options: RecordOptions = {}): fc.Arbitrary<ArbitraryRecord> {
  return fc.record({
    key: recordKeyArb(options.key),
    value: recordValueArb(options.value),
    headers: headersArb(options.maxHeaders),
    timestampMs: timestampMsArb({ minMs: options.minTimestampMs, maxMs: options.maxTimestampMs }),
  });
}

/** A batch's worth of records (1-20 by default). */
export function recordsArb(options: RecordOptions & { readonly minLength?: number; readonly maxLength?: number } = {}): fc.Arbitrary<ArbitraryRecord[]> {
  return fc.array(recordArb(options), { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 20 });
}

/** RecordBatch v2 compression codes: none, gzip, snappy, lz4, zstd. */
export function compressionTypeArb(): fc.Arbitrary<CompressionType> {
  return fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<CompressionType>;
}

export function timestampTypeArb(): fc.Arbitrary<TimestampType> {
  return fc.constantFrom(0, 1) as fc.Arbitrary<TimestampType>;
}
