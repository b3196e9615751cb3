import { COMMON_CLIENT_CONFIG } from '../common/common-config';
import { boolKey, enumKey, intKey, objectKey, parseConfig, pluginListKey, type ConfigInput, type ResolvedConfig } from '../common/config-def';
import { isConsumerInterceptor, type ConsumerInterceptor } from '../common/plugins';
import { isSerdeSpec, type DeserializerSpec } from '../common/serde';

export type AutoOffsetReset = 'latest' | 'earliest' | 'none';
export type IsolationLevelName = 'read_uncommitted' | 'read_committed';

/** The consumer's configuration keys (manual assignment; group keys come with consumer groups). */
export const CONSUMER_CONFIG = {
  ...COMMON_CLIENT_CONFIG,
  'fetch.min.bytes': intKey({ doc: 'Least data the broker should return for a fetch (it waits up to fetch.max.wait.ms for it).', defaultValue: 1, min: 0 }),
  'fetch.max.bytes': intKey({ doc: 'Most data a fetch response should hold (a first batch larger than this is still returned).', defaultValue: 52428800, min: 0 }),
  'fetch.max.wait.ms': intKey({ doc: 'How long the broker may wait to gather fetch.min.bytes.', defaultValue: 500, min: 0 }),
  'max.partition.fetch.bytes': intKey({ doc: 'Most data per partition in a fetch response.', defaultValue: 1048576, min: 0 }),
  'max.poll.records': intKey({ doc: 'Most records one poll returns.', defaultValue: 500, min: 1 }),
  'auto.offset.reset': enumKey<AutoOffsetReset>({ doc: 'Where to start without a valid position: earliest, latest, or none (poll fails with OFFSET_OUT_OF_RANGE).', values: ['latest', 'earliest', 'none'], defaultValue: 'latest' }),
  'isolation.level': enumKey<IsolationLevelName>({ doc: 'read_committed returns only committed transactional records, up to the last stable offset.', values: ['read_uncommitted', 'read_committed'], defaultValue: 'read_uncommitted' }),
  'key.deserializer': objectKey<DeserializerSpec<unknown>>({ doc: 'string, json, bytes, a function or a { deserialize } object.', check: isSerdeSpec('deserialize'), expected: 'a deserializer', defaultValue: 'bytes' }),
  'value.deserializer': objectKey<DeserializerSpec<unknown>>({ doc: 'string, json, bytes, a function or a { deserialize } object.', check: isSerdeSpec('deserialize'), expected: 'a deserializer', defaultValue: 'bytes' }),
  'interceptor.classes': pluginListKey<ConsumerInterceptor>({
    doc: 'Consumer interceptors (plugins SPI), called in order on what poll returns: instances, or names of built-in ones.',
    check: isConsumerInterceptor,
    expected: 'consumer interceptors (objects with onConsume)',
  }),
  'check.crcs': boolKey({ doc: 'Verify the CRC32C of fetched batches.', defaultValue: true }),
  'default.api.timeout.ms': intKey({ doc: 'Timeout of position, offsetsForTimes, beginningOffsets and endOffsets when none is given.', defaultValue: 60000, min: 0 }),
} as const;

export type ConsumerConfigInput = ConfigInput<typeof CONSUMER_CONFIG>;
export type ConsumerConfig = ResolvedConfig<typeof CONSUMER_CONFIG>;

export function parseConsumerConfig(input: ConsumerConfigInput): ConsumerConfig {
  return parseConfig('consumer', CONSUMER_CONFIG, input);
}
