import { COMPRESSION_NAMES, type CompressionName } from '../common/batch-codec';
import { COMMON_CLIENT_CONFIG } from '../common/common-config';
import { boolKey, enumKey, intKey, objectKey, parseConfig, pluginListKey, requireConfig, type ConfigInput, type ConfigKey, type ResolvedConfig } from '../common/config-def';
import { isPartitioner, isProducerInterceptor, type Partitioner, type ProducerInterceptor } from '../common/plugins';
import { isSerdeSpec, type SerializerSpec } from '../common/serde';

const MAX_INT = 2147483647;

/** acks: 0, 1, or all (-1). */
export type Acks = 0 | 1 | -1;

const acksKey: ConfigKey<Acks | 'all', Acks> = {
  doc: 'How many acknowledgements the leader must have received before a request is complete: 0 (none), 1 (the leader), all or -1 (every in-sync replica).',
  defaultValue: -1,
  validValues: 'all, -1, 0, 1',
  parse(raw, name) {
    const s = String(raw).trim().toLowerCase();
    if (s === 'all' || s === '-1') return -1;
    if (s === '0') return 0;
    if (s === '1') return 1;
    throw new Error(`Invalid value ${JSON.stringify(raw)} for configuration ${name}: expected all, -1, 0 or 1`);
  },
};

/** The producer's configuration keys, with Kafka's names, defaults (Kafka 4.0) and rules. */
export const PRODUCER_CONFIG = {
  ...COMMON_CLIENT_CONFIG,
  acks: acksKey,
  'batch.size': intKey({ doc: 'Upper bound, in bytes, of a batch per partition (a larger record gets a batch of its own).', defaultValue: 16384, min: 0 }),
  'linger.ms': intKey({ doc: 'How long a batch may wait for more records before it is sent.', defaultValue: 5, min: 0 }),
  'buffer.memory': intKey({ doc: 'Bytes of batches the producer may hold; send waits (max.block.ms) when they are used up.', defaultValue: 33554432, min: 0 }),
  'max.block.ms': intKey({ doc: 'How long send may wait for metadata or buffer memory before it fails with a timeout.', defaultValue: 60000, min: 0 }),
  'compression.type': enumKey<CompressionName>({ doc: 'Compression codec of produced batches.', values: COMPRESSION_NAMES, defaultValue: 'none' }),
  retries: intKey({ doc: 'How many times a failed batch may be resent (within delivery.timeout.ms).', defaultValue: MAX_INT, min: 0, max: MAX_INT }),
  'delivery.timeout.ms': intKey({ doc: 'Upper bound on the time from send to success or failure; must be ≥ linger.ms + request.timeout.ms.', defaultValue: 120000, min: 0 }),
  'max.in.flight.requests.per.connection': intKey({ doc: 'Unacknowledged requests per broker connection (≤ 5 with idempotence).', defaultValue: 5, min: 1 }),
  'enable.idempotence': boolKey({ doc: 'Exactly one copy of each record per partition, in order: producer id, epoch and sequence numbers.', defaultValue: true }),
  'max.request.size': intKey({ doc: 'Largest Produce request (and so the largest record) in bytes.', defaultValue: 1048576, min: 0 }),
  'partitioner.class': objectKey<Partitioner>({
    doc: "A partitioner (plugins SPI) instance, or a built-in's name: default (Kafka's: murmur2 of the key, else sticky), uniform-sticky, round-robin.",
    check: isPartitioner,
    expected: 'a partitioner (an object with partition())',
    defaultValue: 'default',
  }),
  'partitioner.ignore.keys': boolKey({ doc: 'When true the built-in partitioner ignores keys (uniform sticky for every record).', defaultValue: false }),
  'interceptor.classes': pluginListKey<ProducerInterceptor>({
    doc: 'Producer interceptors (plugins SPI), called in order: instances, or names of built-in ones.',
    check: isProducerInterceptor,
    expected: 'producer interceptors (objects with onSend)',
  }),
  'key.serializer': objectKey<SerializerSpec<unknown>>({ doc: 'string, json, bytes, a function or a { serialize } object.', check: isSerdeSpec('serialize'), expected: 'a serializer', defaultValue: 'bytes' }),
  'value.serializer': objectKey<SerializerSpec<unknown>>({ doc: 'string, json, bytes, a function or a { serialize } object.', check: isSerdeSpec('serialize'), expected: 'a serializer', defaultValue: 'bytes' }),
} as const;

export type ProducerConfigInput = ConfigInput<typeof PRODUCER_CONFIG>;
export type ProducerConfig = ResolvedConfig<typeof PRODUCER_CONFIG>;

/**
 * Parses and validates a producer config with Kafka's cross-key rules:
 * idempotence needs acks=all, retries > 0 and max.in.flight ≤ 5 (an error when
 * idempotence was asked for explicitly, silently off when it was only the
 * default), and delivery.timeout.ms ≥ linger.ms + request.timeout.ms (an error
 * when set explicitly, raised to that sum otherwise).
 */
export function parseProducerConfig(input: ProducerConfigInput): ProducerConfig {
  const config = parseConfig('producer', PRODUCER_CONFIG, input);
  const explicitIdempotence = input['enable.idempotence'] !== undefined;
  let idempotence = config['enable.idempotence'];
  if (idempotence) {
    const conflicts: string[] = [];
    if (config['max.in.flight.requests.per.connection'] > 5) conflicts.push('max.in.flight.requests.per.connection must be at most 5');
    if (config.retries === 0) conflicts.push('retries must be greater than 0');
    if (config.acks !== -1) conflicts.push('acks must be all (-1)');
    if (conflicts.length > 0) {
      requireConfig(!explicitIdempotence, `enable.idempotence=true needs: ${conflicts.join('; ')}`);
      idempotence = false;
    }
  }
  let deliveryTimeoutMs = config['delivery.timeout.ms'];
  const floorMs = config['linger.ms'] + config['request.timeout.ms'];
  if (deliveryTimeoutMs < floorMs) {
    requireConfig(
      input['delivery.timeout.ms'] === undefined,
      `delivery.timeout.ms (${deliveryTimeoutMs}) should be equal to or larger than linger.ms + request.timeout.ms (${floorMs})`,
    );
    deliveryTimeoutMs = floorMs;
  }
  return Object.freeze({ ...config, 'enable.idempotence': idempotence, 'delivery.timeout.ms': deliveryTimeoutMs });
}
