import { type BrokerConfig, parseBrokerConfig } from './broker-config';
import { InvalidConfigError } from './config-error';
import { LONG_MAX } from './property';
import { PROPERTIES } from './properties';
import { configError, overrideArgs } from './test-support/fixtures';
import { type TopicConfig, alterTopicConfigs, resolveTopicConfig, validateTopicConfigs } from './topic-config';

const broker = (...overrides: string[]): BrokerConfig => parseBrokerConfig({ argv: overrideArgs(...overrides) });

describe('resolveTopicConfig', () => {
  it("inherits every unset topic property from the broker's default property", () => {
    const topic = resolveTopicConfig(broker('log.segment.bytes=1000', 'log.cleanup.policy=compact', 'message.max.bytes=2000', 'log.segment.delete.delay.ms=7'));
    expect(topic.segmentBytes).toBe(1000);
    expect(topic.cleanupPolicy).toEqual(['compact']);
    expect(topic.maxMessageBytes).toBe(2000);
    expect(topic.fileDeleteDelayMs).toBe(7);
    expect(topic.retentionMs).toBe(604_800_000);
    expect(topic.segmentMs).toBe(604_800_000);
    expect(topic.flushMessages).toBe(LONG_MAX);
    expect(topic.messageTimestampType).toBe('CreateTime');
    expect(topic.source('segment.bytes')).toBe('STATIC_BROKER_CONFIG');
    expect(topic.source('retention.bytes')).toBe('DEFAULT_CONFIG');
    expect(topic.overrides()).toEqual({});
  });

  it('inherits retention.ms with the ms > minutes > hours precedence', () => {
    expect(resolveTopicConfig(broker('log.retention.hours=1')).retentionMs).toBe(3_600_000);
    expect(resolveTopicConfig(broker('log.retention.hours=1', 'log.retention.minutes=2')).retentionMs).toBe(120_000);
    expect(resolveTopicConfig(broker('log.retention.minutes=2', 'log.retention.ms=5')).retentionMs).toBe(5);
    expect(resolveTopicConfig(broker('log.retention.hours=-1')).retentionMs).toBe(-1);
  });

  it('prefers the topic override, converted and canonical', () => {
    const topic = resolveTopicConfig(broker('log.retention.ms=5'), { 'retention.ms': ' -1 ', 'unclean.leader.election.enable': 'TRUE', 'cleanup.policy': 'compact , delete' });
    expect(topic.retentionMs).toBe(-1);
    expect(topic.get('retention.ms')).toBe(-1);
    expect(topic.uncleanLeaderElectionEnable).toBe(true);
    expect(topic.cleanupPolicy).toEqual(['compact', 'delete']);
    expect(topic.source('retention.ms')).toBe('DYNAMIC_TOPIC_CONFIG');
    expect(topic.overrides()).toEqual({ 'retention.ms': '-1', 'unclean.leader.election.enable': 'true', 'cleanup.policy': 'compact,delete' });
  });

  it('accepts a plugin name as cleanup policy', () => {
    expect(resolveTopicConfig(broker(), { 'cleanup.policy': 'delete,ttl-compact' }).cleanupPolicy).toEqual(['delete', 'ttl-compact']);
  });

  it('rejects bad overrides, naming key, value and rule', () => {
    const error = configError(() => resolveTopicConfig(broker(), { 'retention.ms': '-2', 'compression.type': 'brotli', 'segment.bytes': '10' }));
    expect(error.problems.map((p) => p.message)).toEqual([
      "invalid value '-2' for property 'retention.ms': must be at least -1 (valid values: [-1,...]) [from topic config]",
      "invalid value 'brotli' for property 'compression.type': is not one of [uncompressed, zstd, lz4, snappy, gzip, producer] [from topic config]",
      "invalid value '10' for property 'segment.bytes': must be at least 61 (valid values: [61,...]) [from topic config]",
    ]);
  });

  it('rejects unknown topic properties, pointing broker names to their topic name', () => {
    expect(configError(() => resolveTopicConfig(broker(), { 'retention.msx': '1' })).message).toBe("unknown topic property 'retention.msx'; did you mean 'retention.ms'? [from topic config]");
    expect(configError(() => resolveTopicConfig(broker(), { 'log.retention.ms': '1' })).message).toBe("unknown topic property 'log.retention.ms'; did you mean 'retention.ms'? [from topic config]");
    expect(configError(() => resolveTopicConfig(broker(), { 'num.partitions': '1' })).message).toMatch(/^unknown topic property 'num.partitions'/);
  });

  it('checks min.compaction.lag.ms ≤ max.compaction.lag.ms against inherited values', () => {
    const strict = broker('log.cleaner.max.compaction.lag.ms=1000');
    expect(configError(() => resolveTopicConfig(strict, { 'min.compaction.lag.ms': '2000' })).message).toBe(
      "invalid value '2000' for property 'min.compaction.lag.ms': must not exceed max.compaction.lag.ms (1000)",
    );
    expect(configError(() => resolveTopicConfig(broker('log.cleaner.min.compaction.lag.ms=50'), { 'max.compaction.lag.ms': '10' })).message).toBe(
      "invalid value '10' for property 'max.compaction.lag.ms': must be at least min.compaction.lag.ms (50)",
    );
  });

  it('keeps its values keyed by Kafka name for plugins, matching the typed fields', () => {
    const topic: TopicConfig = resolveTopicConfig(broker(), { 'segment.bytes': '4096' });
    const record = topic.toRecord();
    expect(Object.keys(record).sort()).toEqual(PROPERTIES.topicDefs().map((d) => d.topicName).sort());
    expect(record['segment.bytes']).toBe(4096);
    expect(record['cleanup.policy']).toEqual(['delete']);
    for (const def of PROPERTIES.topicDefs()) expect((topic as unknown as Record<string, unknown>)[def.topicFieldName as string]).toEqual(record[def.topicName as 'segment.bytes']);
    expect(Object.isFrozen(topic)).toBe(true);
  });

  it('describes overrides and what they shadow', () => {
    const topic = resolveTopicConfig(broker('log.retention.minutes=10'), { 'retention.ms': '60000' });
    const [retention] = topic.describe(['retention.ms']);
    expect(retention).toMatchObject({ name: 'retention.ms', value: '60000', source: 'DYNAMIC_TOPIC_CONFIG', isReadOnly: false, isDefault: false, type: 'long' });
    expect(retention.documentation).not.toMatch(/Precedence/);
    expect(retention.synonyms).toEqual([
      { name: 'retention.ms', value: '60000', source: 'DYNAMIC_TOPIC_CONFIG' },
      { name: 'log.retention.minutes', value: '10', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
    expect(topic.describe()).toHaveLength(PROPERTIES.topicDefs().length);
    expect(configError(() => topic.describe(['retention'])).message).toMatch(/did you mean 'retention.ms'/);
  });
});

describe('validateTopicConfigs', () => {
  it('returns canonical values, or every problem at once', () => {
    expect(validateTopicConfigs({ 'segment.ms': ' 100', 'min.cleanable.dirty.ratio': '0.10' })).toEqual({ 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.1' });
    expect(configError(() => validateTopicConfigs({ 'segment.ms': '0', 'flush.messages': 'x' })).problems.map((p) => p.name)).toEqual(['segment.ms', 'flush.messages']);
  });

  it('checks rules between properties only when given the broker', () => {
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '5', 'max.compaction.lag.ms': '1' })).toEqual({ 'min.compaction.lag.ms': '5', 'max.compaction.lag.ms': '1' });
    expect(() => validateTopicConfigs({ 'min.compaction.lag.ms': '5', 'max.compaction.lag.ms': '1' }, broker())).toThrow(InvalidConfigError);
  });
});

describe('alterTopicConfigs', () => {
  it('SETs and DELETEs overrides', () => {
    const next = alterTopicConfigs(broker(), { 'retention.ms': '1' }, [
      { name: 'segment.bytes', op: 'SET', value: '2048' },
      { name: 'retention.ms', op: 'DELETE' },
    ]);
    expect(next).toEqual({ 'segment.bytes': '2048' });
  });

  it('APPENDs missing items to, and SUBTRACTs items from, the current or inherited list', () => {
    const b = broker('log.cleanup.policy=delete');
    expect(alterTopicConfigs(b, {}, [{ name: 'cleanup.policy', op: 'APPEND', value: 'compact,delete' }])).toEqual({ 'cleanup.policy': 'delete,compact' });
    expect(alterTopicConfigs(b, { 'cleanup.policy': 'compact,delete' }, [{ name: 'cleanup.policy', op: 'SUBTRACT', value: 'delete' }])).toEqual({ 'cleanup.policy': 'compact' });
  });

  it('refuses APPEND on non-lists, unknown names and results that break a rule', () => {
    const error = configError(() =>
      alterTopicConfigs(broker(), {}, [
        { name: 'retention.ms', op: 'APPEND', value: '1' },
        { name: 'retention.m', op: 'DELETE' },
      ]),
    );
    expect(error.problems.map((p) => p.message)).toEqual([
      "APPEND is only for list properties; 'retention.ms' is a long",
      "unknown topic property 'retention.m'; did you mean 'retention.ms'? [from DELETE operation]",
    ]);
    expect(configError(() => alterTopicConfigs(broker(), { 'cleanup.policy': 'delete' }, [{ name: 'cleanup.policy', op: 'SUBTRACT', value: 'delete' }])).message).toMatch(/'cleanup.policy': must not be empty/);
  });
});
