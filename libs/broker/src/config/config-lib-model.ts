import {
  type BrokerConfig,
  type ConfigEntry,
  type ConfigType,
  InvalidConfigError,
  PROPERTIES,
  resolveTopicConfig,
  type TopicConfig,
} from '@tributary/config';
import { ErrorCode } from '@tributary/errors';
import type { ConfigSchema, ConfigValidator } from '@tributary/metadata';
import type { LogConfig } from '@tributary/storage';
import type { BrokerConfigModel, BrokerDynamicConfigs, BrokerSettings, ConfigTypeName, DescribedConfig, DynamicConfigs, TopicSettings } from './broker-config-model';

/** Told when stored dynamic configs no longer resolve (they were valid when written); the broker then ignores them. */
export type ConfigWarning = (message: string) => void;

const TYPE_NAMES: Record<ConfigType, ConfigTypeName> = {
  int: 'int',
  long: 'long',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  list: 'list',
  enum: 'string',
  class: 'class',
  password: 'password',
};

/** The static broker settings the broker lib reads, from a parsed config. */
export function brokerSettingsOf(config: BrokerConfig): BrokerSettings {
  return {
    nodeId: config.get('node.id'),
    logDirs: config.get('log.dirs'),
    numPartitions: config.get('num.partitions'),
    defaultReplicationFactor: config.get('default.replication.factor'),
    autoCreateTopicsEnable: config.get('auto.create.topics.enable'),
    deleteTopicEnable: config.get('delete.topic.enable'),
    fetchMaxBytes: config.get('fetch.max.bytes'),
    queuedMaxRequestBytes: config.get('queued.max.request.bytes'),
    producerIdExpirationMs: config.get('producer.id.expiration.ms'),
    offsetCheckpointIntervalMs: config.get('log.flush.offset.checkpoint.interval.ms'),
    retentionCheckIntervalMs: config.get('log.retention.check.interval.ms'),
    cleanerEnable: config.get('log.cleaner.enable'),
    cleanerDedupeBufferBytes: config.get('log.cleaner.dedupe.buffer.size'),
    cleanerIoMaxBytesPerSecond: config.get('log.cleaner.io.max.bytes.per.second'),
  };
}

/** The storage log config of a resolved topic config (Kafka topic names → LogConfig fields). */
export function logConfigOf(t: TopicConfig): Partial<LogConfig> {
  return {
    segmentBytes: t.get('segment.bytes'),
    segmentMs: t.get('segment.ms'),
    segmentJitterMs: t.get('segment.jitter.ms'),
    segmentIndexBytes: t.get('segment.index.bytes'),
    indexIntervalBytes: t.get('index.interval.bytes'),
    flushMessages: t.get('flush.messages'),
    flushMs: t.get('flush.ms'),
    maxMessageBytes: t.get('max.message.bytes'),
    messageTimestampType: t.get('message.timestamp.type'),
    messageTimestampBeforeMaxMs: t.get('message.timestamp.before.max.ms'),
    messageTimestampAfterMaxMs: t.get('message.timestamp.after.max.ms'),
    retentionMs: t.get('retention.ms'),
    retentionBytes: t.get('retention.bytes'),
    cleanupPolicy: t.get('cleanup.policy'),
    deleteRetentionMs: t.get('delete.retention.ms'),
    minCompactionLagMs: t.get('min.compaction.lag.ms'),
    maxCompactionLagMs: t.get('max.compaction.lag.ms'),
    minCleanableDirtyRatio: t.get('min.cleanable.dirty.ratio'),
    fileDeleteDelayMs: t.get('file.delete.delay.ms'),
  };
}

function record(configs: DynamicConfigs): Record<string, string> {
  return Object.fromEntries(configs);
}

function described(e: ConfigEntry): DescribedConfig {
  return {
    name: e.name,
    value: e.value,
    source: e.source === 'UNKNOWN' || e.source === 'DYNAMIC_BROKER_LOGGER_CONFIG' ? 'DEFAULT_CONFIG' : e.source,
    readOnly: e.isReadOnly,
    sensitive: e.isSensitive,
    type: TYPE_NAMES[e.type],
    documentation: e.documentation,
    synonyms: e.synonyms.map((s) => ({ ...s, source: s.source === 'UNKNOWN' || s.source === 'DYNAMIC_BROKER_LOGGER_CONFIG' ? 'DEFAULT_CONFIG' : s.source })),
  };
}

/**
 * The broker's view of `@tributary/config`: static settings, the controller
 * validator (topic overrides resolved against the broker config, broker
 * updates checked against their update modes), list-ness for
 * APPEND/SUBTRACT, and effective topic settings and described entries over
 * the dynamic configs in the metadata image.
 */
export function configLibModel(config: BrokerConfig, warn: ConfigWarning = () => undefined): BrokerConfigModel {
  const withDynamic = (broker: BrokerDynamicConfigs): BrokerConfig => {
    try {
      let c = config;
      if (broker.clusterDefault.size > 0) c = c.withDynamicUpdates(record(broker.clusterDefault), 'cluster-wide');
      if (broker.perBroker.size > 0) c = c.withDynamicUpdates(record(broker.perBroker), 'per-broker');
      return c;
    } catch (error) {
      warn(`ignoring dynamic broker configs that no longer resolve: ${error instanceof Error ? error.message : String(error)}`);
      return config;
    }
  };
  const resolveTopic = (topicConfigs: DynamicConfigs, broker: BrokerDynamicConfigs): TopicConfig => {
    const base = withDynamic(broker);
    try {
      return resolveTopicConfig(base, record(topicConfigs));
    } catch (error) {
      warn(`ignoring topic configs that no longer resolve: ${error instanceof Error ? error.message : String(error)}`);
      return resolveTopicConfig(base, {});
    }
  };
  const validateConfigs: ConfigValidator = (configs, resource) => {
    try {
      if (resource.resourceType === 'TOPIC') resolveTopicConfig(config, configs);
      else config.withDynamicUpdates(configs, resource.resourceName === '' ? 'cluster-wide' : 'per-broker');
      return null;
    } catch (error) {
      if (error instanceof InvalidConfigError) return { errorCode: ErrorCode.INVALID_CONFIG, message: error.message };
      throw error;
    }
  };
  const configSchema: ConfigSchema = {
    isList: (type, name) => (type === 'TOPIC' ? PROPERTIES.topicDef(name) : PROPERTIES.brokerDef(name))?.type === 'list',
    defaultValue: (type, name) => {
      if (type === 'TOPIC') return PROPERTIES.topicDef(name) ? (resolveTopicConfig(config, {}).describe([name])[0]?.value ?? undefined) : undefined;
      return PROPERTIES.brokerDef(name) ? (config.describe([name])[0]?.value ?? undefined) : undefined;
    },
  };
  return {
    settings: brokerSettingsOf(config),
    validateConfigs,
    configSchema,
    topicSettings(topicConfigs, broker): TopicSettings {
      const t = resolveTopic(topicConfigs, broker);
      return { logConfig: logConfigOf(t), minInsyncReplicas: t.get('min.insync.replicas') };
    },
    describeTopic: (topicConfigs, broker) => resolveTopic(topicConfigs, broker).describe().map(described),
    describeBroker: (broker) => withDynamic(broker).describe().map(described),
  };
}
