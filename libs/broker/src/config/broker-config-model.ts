import type { ConfigSchema, ConfigValidator } from '@tributary/metadata';
import type { LogConfig } from '@tributary/storage';

/** The static broker settings the broker lib reads (Kafka names in the docs). */
export interface BrokerSettings {
  /** node.id */
  readonly nodeId: number;
  /** log.dirs: the first one also holds `__cluster_metadata-0`. */
  readonly logDirs: readonly string[];
  /** num.partitions: the default for CreateTopics and auto-creation. */
  readonly numPartitions: number;
  /** default.replication.factor */
  readonly defaultReplicationFactor: number;
  /** auto.create.topics.enable */
  readonly autoCreateTopicsEnable: boolean;
  /** delete.topic.enable */
  readonly deleteTopicEnable: boolean;
  /** fetch.max.bytes: the most one fetch returns across partitions (the first batch excepted). */
  readonly fetchMaxBytes: number;
  /** queued.max.request.bytes: bound on produce bytes in flight (-1: unbounded). */
  readonly queuedMaxRequestBytes: number;
  /** producer.id.expiration.ms */
  readonly producerIdExpirationMs: number;
  /** log.flush.offset.checkpoint.interval.ms */
  readonly offsetCheckpointIntervalMs: number;
  /** log.retention.check.interval.ms */
  readonly retentionCheckIntervalMs: number;
  /** log.cleaner.enable */
  readonly cleanerEnable: boolean;
  /** log.cleaner.dedupe.buffer.size: memory of the compaction offset map, bytes. */
  readonly cleanerDedupeBufferBytes: number;
  /** log.cleaner.io.max.bytes.per.second: compaction read + write bound. */
  readonly cleanerIoMaxBytesPerSecond: number;
}

/** A partition's effective topic settings: the storage log's config plus what the broker enforces itself. */
export interface TopicSettings {
  readonly logConfig: Partial<LogConfig>;
  /** min.insync.replicas */
  readonly minInsyncReplicas: number;
}

/** Kafka's config sources (DescribeConfigs), most specific first. */
export type ConfigSourceName = 'DYNAMIC_TOPIC_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

/** Kafka's config value types. */
export type ConfigTypeName = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

/** One described config entry. */
export interface DescribedConfig {
  readonly name: string;
  /** null for a sensitive config or one without a value. */
  readonly value: string | null;
  readonly source: ConfigSourceName;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
  readonly type: ConfigTypeName;
  readonly documentation: string;
  /** Every source defining this config, the effective one first. */
  readonly synonyms: readonly { readonly name: string; readonly value: string | null; readonly source: ConfigSourceName }[];
}

/** Dynamic configs as the metadata image holds them. */
export type DynamicConfigs = ReadonlyMap<string, string>;

/** The dynamic broker layers: cluster-wide defaults (resource name `''`) and this broker's own. */
export interface BrokerDynamicConfigs {
  readonly clusterDefault: DynamicConfigs;
  readonly perBroker: DynamicConfigs;
}

/**
 * What the broker needs from the config library: its static settings, the
 * validator and schema the controller functions take, and the mapping of
 * dynamic configs (from metadata records) to effective topic settings and
 * described entries. `apps/broker` builds it from the config lib; tests may
 * pass their own.
 */
export interface BrokerConfigModel {
  readonly settings: BrokerSettings;
  readonly validateConfigs: ConfigValidator;
  readonly configSchema: ConfigSchema;
  /**
   * The effective settings of a topic: its dynamic overrides over the dynamic
   * broker configs over the static config over Kafka's defaults.
   */
  topicSettings(topicConfigs: DynamicConfigs, broker: BrokerDynamicConfigs): TopicSettings;
  /** Every topic config with its value and source. */
  describeTopic(topicConfigs: DynamicConfigs, broker: BrokerDynamicConfigs): DescribedConfig[];
  /** Every broker config with its value and source. */
  describeBroker(broker: BrokerDynamicConfigs): DescribedConfig[];
}

/** No dynamic broker configs (start-up, before the image is known). */
export const NO_BROKER_DYNAMIC_CONFIGS: BrokerDynamicConfigs = Object.freeze({ clusterDefault: new Map<string, string>(), perBroker: new Map<string, string>() });
