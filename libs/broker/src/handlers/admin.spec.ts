import { existsSync, readdirSync } from 'node:fs';
import { ErrorCode } from '@tributary/errors';
import { AlterConfigOp, ConfigResourceType, ConfigSource } from '@tributary/proto';
import { CALL, NOW_MS, type TestBroker, batch, createTopic, fetchRequest, openTestBroker, produce, removeDir, tempDir } from '../test-support/broker-fixture';

let dir: string;
let broker: TestBroker;

beforeEach(async () => {
  dir = tempDir();
  broker = await openTestBroker(dir, ['auto.create.topics.enable=false']);
});

afterEach(async () => {
  await broker.runtime.shutdown();
  removeDir(dir);
});

const topic = (name: string, numPartitions: number, replicationFactor = 1, configs: Record<string, string> = {}) => ({
  name,
  numPartitions,
  replicationFactor,
  assignments: [],
  configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
});

describe('CreateTopics', () => {
  it('creates topics with logs, answering per topic with Kafka codes', async () => {
    const res = await broker.api.createTopics(
      {
        topics: [topic('good', 3), topic('bad name!', 1), topic('replicated', 1, 3), topic('empty', 0), topic('weird', 1, 1, { 'retention.ms': 'soon' }), topic('unknown-config', 1, 1, { 'retention.msx': '1' })],
        timeoutMs: 0,
        validateOnly: false,
      },
      CALL,
    );
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['good', 0],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['replicated', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['empty', ErrorCode.INVALID_PARTITIONS],
      ['weird', ErrorCode.INVALID_CONFIG],
      ['unknown-config', ErrorCode.INVALID_CONFIG],
    ]);
    expect(res.topics[0]).toMatchObject({ numPartitions: 3, replicationFactor: 1 });
    expect(res.topics[0].topicId).toHaveLength(16);
    expect(res.topics[5].errorMessage).toMatch(/retention\.ms/);
    for (const p of [0, 1, 2]) expect(existsSync(`${dir}/good-${p}`)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('replicated') || n.startsWith('empty'))).toEqual([]);
    const again = await broker.api.createTopics({ topics: [topic('good', 1)], timeoutMs: 0, validateOnly: false }, CALL);
    expect(again.topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it('validate_only answers as if created and creates nothing', async () => {
    const res = await broker.api.createTopics({ topics: [topic('dry', 2)], timeoutMs: 0, validateOnly: true }, CALL);
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2 });
    expect(broker.runtime.controller.image.topicsByName.has('dry')).toBe(false);
    expect(existsSync(`${dir}/dry-0`)).toBe(false);
  });

  it('returns the created topic configs with their sources', async () => {
    const res = await broker.api.createTopics({ topics: [topic('c', 1, 1, { 'retention.ms': '1000' })], timeoutMs: 0, validateOnly: false }, CALL);
    const retention = res.topics[0].configs.find((c) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '1000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    expect(res.topics[0].configs.find((c) => c.name === 'segment.bytes')?.configSource).toBe(ConfigSource.DEFAULT_CONFIG);
  });
});

describe('DeleteTopics and CreatePartitions', () => {
  it('deletes topics and their logs', async () => {
    await createTopic(broker, 'doomed', 2);
    await produce(broker, 'doomed', 0, batch(['a']));
    const res = await broker.api.deleteTopics({ topicNames: ['doomed', 'never'], timeoutMs: 0 }, CALL);
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['doomed', 0],
      ['never', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(existsSync(`${dir}/doomed-0`)).toBe(false);
    expect(broker.runtime.replicaManager.getPartition({ topic: 'doomed', partition: 0 })).toBeUndefined();
    expect(await produce(broker, 'doomed', 0, batch(['b']))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  });

  it('adds partitions, refusing decreases', async () => {
    await createTopic(broker, 'grow', 1);
    const res = await broker.api.createPartitions({ topics: [{ name: 'grow', count: 3, assignments: [] }, { name: 'missing', count: 2, assignments: [] }], timeoutMs: 0, validateOnly: false }, CALL);
    expect(res.results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await produce(broker, 'grow', 2, batch(['a']))).toMatchObject({ errorCode: 0 });
    const shrink = await broker.api.createPartitions({ topics: [{ name: 'grow', count: 2, assignments: [] }], timeoutMs: 0, validateOnly: false }, CALL);
    expect(shrink.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });
});

describe('Metadata and ApiVersions', () => {
  it('describes the broker, controller and partitions with leader, epoch, replicas and ISR', async () => {
    await createTopic(broker, 'm', 2);
    const md = await broker.api.metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false }, CALL);
    expect(md.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: 9290 }]);
    expect(md).toMatchObject({ controllerId: 1, clusterId: 'test-cluster' });
    expect(md.topics.map((t) => t.name)).toEqual(['m']);
    expect(md.topics[0].partitions).toEqual([
      { errorCode: 0, errorMessage: '', partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
      { errorCode: 0, errorMessage: '', partitionIndex: 1, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
    ]);
    const unknown = await broker.api.metadata({ topics: [{ name: 'nope' }], allTopics: false, allowAutoTopicCreation: true }, CALL);
    expect(unknown.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('lists every Broker RPC', async () => {
    const res = await broker.api.apiVersions({ clientSoftwareName: 't', clientSoftwareVersion: '0' }, CALL);
    expect(res.apis.map((a) => a.name)).toContain('tributary.v1.Broker/Produce');
    expect(res.apis).toHaveLength(12);
  });
});

describe('ListOffsets and DeleteRecords', () => {
  beforeEach(async () => {
    await createTopic(broker, 'o', 1);
    await produce(broker, 'o', 0, batch(['a', 'b'], {}, NOW_MS - 3000));
    await produce(broker, 'o', 0, batch(['c'], {}, NOW_MS - 1000));
    await produce(broker, 'o', 0, batch(['d'], {}, NOW_MS - 2000));
  });

  const listOffset = async (timestamp: number) =>
    (await broker.api.listOffsets({ replicaId: -1, isolationLevel: 0, topics: [{ name: 'o', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] }, CALL)).topics[0].partitions[0];

  it('finds earliest, latest, max timestamp and by timestamp', async () => {
    expect(await listOffset(-2)).toMatchObject({ errorCode: 0, offset: 0 });
    expect(await listOffset(-1)).toMatchObject({ errorCode: 0, offset: 4 });
    expect(await listOffset(-3)).toMatchObject({ errorCode: 0, offset: 2, timestamp: NOW_MS - 1000 });
    expect(await listOffset(NOW_MS - 1500)).toMatchObject({ errorCode: 0, offset: 2, timestamp: NOW_MS - 1000 });
    expect(await listOffset(NOW_MS)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
    expect(await listOffset(-7)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
  });

  it('advances the log start offset; above the high watermark is OFFSET_OUT_OF_RANGE', async () => {
    const del = async (offset: number) =>
      (await broker.api.deleteRecords({ topics: [{ name: 'o', partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 0 }, CALL)).topics[0].partitions[0];
    expect(await del(5)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(await del(2)).toMatchObject({ errorCode: 0, lowWatermark: 2 });
    expect(await listOffset(-2)).toMatchObject({ offset: 2 });
    const fetched = await broker.api.fetch(fetchRequest('o', 0, 0), CALL);
    expect(fetched.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 2 });
    expect(await del(-1)).toMatchObject({ errorCode: 0, lowWatermark: 4 });
  });
});

describe('DescribeConfigs and IncrementalAlterConfigs', () => {
  const describeTopic = async (name: string, keys: string[]) =>
    (await broker.api.describeConfigs({ resources: [{ resourceType: ConfigResourceType.TOPIC, resourceName: name, configurationKeys: keys }], includeSynonyms: true, includeDocumentation: false }, CALL))
      .results[0];
  const alter = (resourceType: ConfigResourceType, resourceName: string, name: string, value: string | undefined, op = AlterConfigOp.SET) =>
    broker.api.incrementalAlterConfigs({ resources: [{ resourceType, resourceName, configs: [{ name, configOperation: op, ...(value === undefined ? {} : { value }) }] }], validateOnly: false }, CALL);

  it('applies retention.ms live to the partition logs, with sources', async () => {
    await createTopic(broker, 'cfg', 2);
    const before = await describeTopic('cfg', ['retention.ms']);
    expect(before.configs[0]).toMatchObject({ name: 'retention.ms', value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });
    expect((await alter(ConfigResourceType.TOPIC, 'cfg', 'retention.ms', '5000')).responses[0].errorCode).toBe(0);
    expect((await describeTopic('cfg', ['retention.ms'])).configs[0]).toMatchObject({ value: '5000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    for (const p of [0, 1]) expect(broker.runtime.replicaManager.getPartition({ topic: 'cfg', partition: p })?.log.config.retentionMs).toBe(5000);
    expect((await alter(ConfigResourceType.TOPIC, 'cfg', 'retention.ms', undefined, AlterConfigOp.DELETE)).responses[0].errorCode).toBe(0);
    expect(broker.runtime.replicaManager.getPartition({ topic: 'cfg', partition: 0 })?.log.config.retentionMs).toBe(604800000);
  });

  it('applies a cluster-wide broker default to topics without their own value', async () => {
    await createTopic(broker, 'inherit', 1);
    await createTopic(broker, 'own', 1, { 'retention.ms': '1234' });
    expect((await alter(ConfigResourceType.BROKER, '', 'log.retention.ms', '7777')).responses[0].errorCode).toBe(0);
    expect(broker.runtime.replicaManager.getPartition({ topic: 'inherit', partition: 0 })?.log.config.retentionMs).toBe(7777);
    expect(broker.runtime.replicaManager.getPartition({ topic: 'own', partition: 0 })?.log.config.retentionMs).toBe(1234);
    const described = await broker.api.describeConfigs(
      { resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: '1', configurationKeys: ['log.retention.ms'] }], includeSynonyms: false, includeDocumentation: false },
      CALL,
    );
    expect(described.results[0].configs[0]).toMatchObject({ value: '7777', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  });

  it('answers invalid values, unknown names, read-only broker configs and unknown topics per resource', async () => {
    await createTopic(broker, 'v', 1);
    expect((await alter(ConfigResourceType.TOPIC, 'v', 'retention.ms', 'never')).responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(ConfigResourceType.TOPIC, 'v', 'no.such.config', '1')).responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(ConfigResourceType.BROKER, '', 'log.dirs', '/elsewhere')).responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(ConfigResourceType.TOPIC, 'missing', 'retention.ms', '1')).responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await describeTopic('missing', [])).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.runtime.replicaManager.getPartition({ topic: 'v', partition: 0 })?.log.config.retentionMs).toBe(604800000);
  });
});
