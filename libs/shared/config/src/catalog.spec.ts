import { AssertionError } from '@tributary/util';
import type { BrokerConfig, BrokerValue } from './broker-config';
import { camelCase, defineCatalog } from './catalog';
import { closestMatch, editDistance } from './closest';
import { parseListener, parseVoter } from './endpoints';
import { PROPERTIES } from './properties';
import { int, list, long } from './property';
import { ENV_PREFIX, envVarName, propertyNameFromEnv } from './sources';
import type { TopicConfig, TopicValue } from './topic-config';
import { atLeast } from './validators';

/** The properties the platform asked for, by scope. */
const REQUIRED_BROKER = [
  'node.id', 'process.roles', 'controller.quorum.voters', 'listeners', 'advertised.listeners', 'log.dirs', 'num.partitions', 'default.replication.factor',
  'auto.create.topics.enable', 'delete.topic.enable', 'message.max.bytes', 'socket.request.max.bytes', 'max.connections', 'queued.max.request.bytes',
  'log.segment.bytes', 'log.roll.ms', 'log.roll.hours', 'log.roll.jitter.ms', 'log.retention.ms', 'log.retention.minutes', 'log.retention.hours',
  'log.retention.bytes', 'log.retention.check.interval.ms', 'log.flush.interval.messages', 'log.flush.interval.ms', 'log.flush.scheduler.interval.ms',
  'log.index.interval.bytes', 'log.index.size.max.bytes', 'log.cleanup.policy', 'log.cleaner.enable', 'log.cleaner.threads',
  'log.cleaner.io.max.bytes.per.second', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.min.cleanable.ratio', 'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.max.compaction.lag.ms', 'log.cleaner.delete.retention.ms', 'log.cleaner.backoff.ms', 'log.segment.delete.delay.ms',
  'log.message.timestamp.type', 'log.message.timestamp.before.max.ms', 'log.message.timestamp.after.max.ms', 'compression.type', 'min.insync.replicas',
  'unclean.leader.election.enable', 'offsets.topic.num.partitions', 'transaction.state.log.num.partitions', 'transactional.id.expiration.ms',
  'producer.id.expiration.ms', 'num.recovery.threads.per.data.dir', 'log.dir.failure.timeout.ms', 'tributary.metrics.port',
];
const REQUIRED_TOPIC: Record<string, string> = {
  'cleanup.policy': 'log.cleanup.policy', 'retention.ms': 'log.retention.ms', 'retention.bytes': 'log.retention.bytes', 'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms', 'segment.jitter.ms': 'log.roll.jitter.ms', 'segment.index.bytes': 'log.index.size.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes', 'flush.messages': 'log.flush.interval.messages', 'flush.ms': 'log.flush.interval.ms',
  'max.message.bytes': 'message.max.bytes', 'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms', 'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms', 'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio', 'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms', 'compression.type': 'compression.type', 'min.insync.replicas': 'min.insync.replicas',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
};

describe('PROPERTIES catalog', () => {
  it('declares every broker property the platform needs', () => {
    const missing = REQUIRED_BROKER.filter((name) => PROPERTIES.brokerDef(name) === undefined);
    expect(missing).toEqual([]);
  });

  it('maps every topic property to its Kafka broker default property', () => {
    const mapping = Object.fromEntries(PROPERTIES.topicDefs().map((d) => [d.topicName, d.brokerName]));
    expect(mapping).toEqual(REQUIRED_TOPIC);
  });

  it('prefixes names Kafka does not have with tributary.', () => {
    expect(PROPERTIES.brokerDefs().filter((d) => (d.brokerName as string).startsWith('tributary.')).map((d) => d.brokerName)).toEqual(['tributary.metrics.port', 'tributary.plugins']);
  });

  it('gives each property one environment variable that maps back to it', () => {
    for (const def of PROPERTIES.brokerDefs()) {
      expect(def.envVar).toBe(envVarName(def.brokerName as string));
      expect(propertyNameFromEnv(def.envVar as string)).toBe(def.brokerName);
      expect(PROPERTIES.envDef(def.envVar as string)).toBe(def);
    }
    expect(envVarName('log.dirs')).toBe('TRIBUTARY_LOG_DIRS');
    expect(envVarName('my-plugin.max-bytes')).toBe(`${ENV_PREFIX}MY__PLUGIN_MAX__BYTES`);
    expect(propertyNameFromEnv('TRIBUTARY_MY__PLUGIN_MAX__BYTES')).toBe('my-plugin.max-bytes');
  });

  it('names fields in camelCase with the unit last', () => {
    const units = /(Ms|Bytes|Minutes|Hours|PerSecond|Ratio|Messages|Size)$/;
    for (const def of PROPERTIES.all) {
      for (const [name, field] of [[def.brokerName, def.brokerField], [def.topicName, def.topicFieldName]]) {
        if (name === undefined) continue;
        expect(field).toMatch(/^[a-z][A-Za-z0-9]*$/);
        if (def.field === undefined || field !== def.field) expect(field).toBe(camelCase(name));
        expect(field).not.toMatch(/Size$/);
        if (/\.(ms|bytes)(\.|$)/.test(name) && !units.test(field as string)) throw new Error(`${name} → ${field} does not end in its unit`);
      }
    }
  });

  it('documents every property', () => {
    for (const def of PROPERTIES.all) expect(def.doc.length).toBeGreaterThan(20);
  });
});

describe('defineCatalog', () => {
  it('refuses a default that breaks its own rule', () => {
    expect(() => defineCatalog({ 'a.b': int({ doc: 'd', importance: 'low', default: 0, validate: atLeast(1) }) })).toThrow(new AssertionError("default of 'a.b' breaks its own rule: must be at least 1"));
  });

  it('refuses two properties with one field', () => {
    expect(() => defineCatalog({ 'a.b': int({ doc: 'd', importance: 'low', default: 0 }), 'a-b': int({ doc: 'd', importance: 'low', default: 0 }) })).toThrow(/field 'aB' used twice/);
  });

  it('refuses a fallback that does not exist or a topic property without a default', () => {
    expect(() => defineCatalog({ 'a.ms': long({ doc: 'd', importance: 'low', default: null, fallback: { name: 'a.hours', factor: 1 } }) })).toThrow(/fallback of 'a.ms'/);
    expect(() => defineCatalog({ 'a.ms': long({ doc: 'd', importance: 'low', default: null, topic: 'ms' }) })).toThrow(/must have a non-null default/);
  });

  it('supports topic-only properties', () => {
    const catalog = defineCatalog({ 'remote.storage.enable': list({ doc: 'd', importance: 'low', default: [], scope: 'topic' }) });
    expect(catalog.brokerDefs()).toEqual([]);
    expect(catalog.topicDef('remote.storage.enable')).toMatchObject({ scope: 'topic', topicFieldName: 'remoteStorageEnable' });
  });
});

describe('types derived from the catalog', () => {
  it('types fields and get() by Kafka name', () => {
    // Compile-time checks: typecheck fails if the derived types drift.
    const brokerFields = (c: BrokerConfig): [number, readonly string[], 'CreateTime' | 'LogAppendTime', number | null, readonly ('broker' | 'controller')[]] => [
      c.logRetentionMs,
      c.logDirs,
      c.logMessageTimestampType,
      c.queuedMaxRequestBytes === -1 ? null : c.queuedMaxRequestBytes,
      c.processRoles,
    ];
    const nullable: BrokerValue<'broker.rack'> = null;
    const retention: TopicValue<'retention.ms'> = 1;
    const topicFields = (t: TopicConfig): [number, readonly string[], boolean] => [t.retentionMs, t.cleanupPolicy, t.uncleanLeaderElectionEnable];
    // @ts-expect-error log.retention.ms is a number
    const wrong: BrokerValue<'log.retention.ms'> = 'x';
    expect([brokerFields, nullable, retention, topicFields, wrong]).toHaveLength(5);
  });
});

describe('editDistance and closestMatch', () => {
  it('counts inserts, deletes, substitutions and swaps', () => {
    expect(editDistance('log.dirs', 'log.dirs')).toBe(0);
    expect(editDistance('log.retention.msx', 'log.retention.ms')).toBe(1);
    expect(editDistance('log.retnetion.ms', 'log.retention.ms')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('suggests only plausible typos, first candidate on ties', () => {
    expect(closestMatch('log.dir', ['log.dirs', 'log.dir.failure.timeout.ms'])).toBe('log.dirs');
    expect(closestMatch('zookeeper.connect', ['log.dirs', 'node.id'])).toBeUndefined();
    expect(closestMatch('ab', ['ax', 'ay'])).toBe('ax');
  });
});

describe('parseListener and parseVoter', () => {
  it('parses listeners with empty, named and IPv6 hosts', () => {
    expect(parseListener('GRPC://:9290')).toEqual({ name: 'GRPC', host: '', port: 9290 });
    expect(parseListener('CONTROLLER://127.0.0.1:0')).toEqual({ name: 'CONTROLLER', host: '127.0.0.1', port: 0 });
    expect(parseListener('GRPC://[::1]:9')).toEqual({ name: 'GRPC', host: '::1', port: 9 });
    expect(parseListener('grpc://127.0.0.1:0')).toEqual({ name: 'GRPC', host: '127.0.0.1', port: 0 });
    for (const bad of ['1grpc://:1', 'GRPC://:65536', 'GRPC//:1', 'GRPC://host', 'GRPC://a:b:1']) expect(parseListener(bad)).toBeUndefined();
  });

  it('parses voters', () => {
    expect(parseVoter('3@broker-3.local:9291')).toEqual({ nodeId: 3, host: 'broker-3.local', port: 9291 });
    expect(parseVoter('1@[::1]:1')).toEqual({ nodeId: 1, host: '::1', port: 1 });
    for (const bad of ['@h:1', 'x@h:1', '1@:1', '1@h', '1@h:99999']) expect(parseVoter(bad)).toBeUndefined();
  });
});
