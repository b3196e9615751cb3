import { ErrorCode } from '@tributary/errors';
import { AssertionError, createPrng } from '@tributary/util';
import { partitionOf } from '../image/cluster-image';
import { clusterWithBrokers, commit, topicsContext, withTopic } from '../test-support/cluster-fixture';
import { type CreatableTopic, createTopics } from './create-topics';

const topic = (name: string, fields: Partial<CreatableTopic> = {}): CreatableTopic => ({ name, numPartitions: 3, replicationFactor: 2, ...fields });

describe('createTopics', () => {
  const image = clusterWithBrokers([1, 2, 3]);
  const withFenced = clusterWithBrokers([1, 2, 3, 4], [4]);

  it('writes a TopicRecord, one PartitionRecord per partition and the ConfigRecords; leader = first replica, isr = replicas, epoch 0', () => {
    const ctx = topicsContext(5);
    const expectedId = topicsContext(5).newTopicId();
    const { records, results } = createTopics(image, { topics: [topic('orders', { configs: { 'retention.ms': '100', 'cleanup.policy': 'compact' } })] }, ctx);
    expect(results).toEqual([{ name: 'orders', topicId: expectedId, numPartitions: 3, replicationFactor: 2, errorCode: 0, errorMessage: null }]);
    expect(records.map((r) => r.type)).toEqual(['TopicRecord', 'PartitionRecord', 'PartitionRecord', 'PartitionRecord', 'ConfigRecord', 'ConfigRecord']);
    const after = commit(image, records);
    const created = after.topicsByName.get('orders');
    expect(created?.topicId).toBe(expectedId);
    for (const p of created?.partitions ?? []) {
      expect(p.replicas).toHaveLength(2);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leader).toBe(p.replicas[0]);
      expect([p.leaderEpoch, p.partitionEpoch]).toEqual([0, 0]);
    }
    expect([...(after.topicConfigs.get('orders') ?? [])]).toEqual([['cleanup.policy', 'compact'], ['retention.ms', '100']]);
  });

  it('uses num.partitions and default.replication.factor for -1', () => {
    const { results } = createTopics(image, { topics: [topic('d', { numPartitions: -1, replicationFactor: -1 })] }, topicsContext(1, { defaultNumPartitions: 4, defaultReplicationFactor: 3 }));
    expect(results[0]).toMatchObject({ errorCode: 0, numPartitions: 4, replicationFactor: 3 });
  });

  it('places only on unfenced brokers', () => {
    const { records } = createTopics(withFenced, { topics: [topic('t', { numPartitions: 20, replicationFactor: 3 })] }, topicsContext());
    const used = new Set(records.flatMap((r) => (r.type === 'PartitionRecord' ? r.replicas : [])));
    expect([...used].sort()).toEqual([1, 2, 3]);
  });

  describe('name validation (INVALID_TOPIC_EXCEPTION, with Kafka messages)', () => {
    const cases: [string, RegExp][] = [
      ['', /can't be empty/],
      ['.', /cannot be "\." or "\.\."/],
      ['..', /cannot be "\." or "\.\."/],
      ['x'.repeat(250), /can't be longer than 249 characters/],
      ['bad/name', /contains a character other than ASCII alphanumerics, '\.', '_' and '-'/],
      ['ümlaut', /contains a character other than/],
    ];
    it.each(cases)('%j', (name, message) => {
      const { records, results } = createTopics(image, { topics: [topic(name)] }, topicsContext());
      expect(records).toEqual([]);
      expect(results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, topicId: null, numPartitions: -1, replicationFactor: -1 });
      expect(results[0].errorMessage).toMatch(message);
    });

    it('accepts a 249-character name of legal characters', () => {
      expect(createTopics(image, { topics: [topic('a.B_c-9'.padEnd(249, 'z'))] }, topicsContext()).results[0].errorCode).toBe(0);
    });
  });

  it("refuses a name that collides with an existing topic over '.' vs '_'", () => {
    const existing = withTopic(image, 'metrics.cpu', 1, 1);
    const { results } = createTopics(existing, { topics: [topic('metrics_cpu')] }, topicsContext());
    expect(results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: "Topic 'metrics_cpu' collides with existing topic: metrics.cpu" });
  });

  it("refuses a '.'/'_' collision between two topics of the same request, creating the first", () => {
    const { records, results } = createTopics(image, { topics: [topic('a.b'), topic('a_b')] }, topicsContext());
    expect(results.map((r) => r.errorCode)).toEqual([0, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    expect(results[1].errorMessage).toBe("Topic 'a_b' collides with existing topic: a.b");
    expect(records.filter((r) => r.type === 'TopicRecord')).toHaveLength(1);
  });

  it('TOPIC_ALREADY_EXISTS for an existing name', () => {
    const { results } = createTopics(withTopic(image, 'orders', 1, 1), { topics: [topic('orders')] }, topicsContext());
    expect(results[0]).toMatchObject({ errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 'orders' already exists." });
  });

  it('INVALID_REQUEST for a name given twice, and for __cluster_metadata', () => {
    const { records, results } = createTopics(image, { topics: [topic('dup'), topic('ok'), topic('dup'), topic('__cluster_metadata')] }, topicsContext());
    expect(results.map((r) => [r.name, r.errorCode])).toEqual([
      ['dup', ErrorCode.INVALID_REQUEST],
      ['ok', 0],
      ['dup', ErrorCode.INVALID_REQUEST],
      ['__cluster_metadata', ErrorCode.INVALID_REQUEST],
    ]);
    expect(results[0].errorMessage).toBe('Duplicate topic name.');
    expect(results[3].errorMessage).toBe('Creation of internal topic __cluster_metadata is prohibited.');
    expect(records.filter((r) => r.type === 'TopicRecord').map((r) => (r.type === 'TopicRecord' ? r.name : ''))).toEqual(['ok']);
  });

  it('INVALID_PARTITIONS for 0, below -1, or an excessive count', () => {
    for (const numPartitions of [0, -2, 1.5]) {
      expect(createTopics(image, { topics: [topic('t', { numPartitions })] }, topicsContext()).results[0]).toMatchObject({
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: 'Number of partitions was set to an invalid non-positive value.',
      });
    }
    expect(createTopics(image, { topics: [topic('t', { numPartitions: 10_001, replicationFactor: 1 })] }, topicsContext()).results[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: 'Excessively large number of partitions per request.',
    });
  });

  it('INVALID_REPLICATION_FACTOR for 0, below -1, or more than the live brokers', () => {
    for (const replicationFactor of [0, -2]) {
      expect(createTopics(image, { topics: [topic('t', { replicationFactor })] }, topicsContext()).results[0]).toMatchObject({
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        errorMessage: 'Replication factor must be larger than 0, or -1 to use the default value.',
      });
    }
    const { results } = createTopics(withFenced, { topics: [topic('t', { replicationFactor: 4 })] }, topicsContext());
    expect(results[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.',
    });
  });

  describe('manual assignments', () => {
    const manual = (assignments: { partitionIndex: number; brokerIds: number[] }[], fields: Partial<CreatableTopic> = {}) =>
      topic('m', { numPartitions: -1, replicationFactor: -1, assignments, ...fields });

    it('creates the partitions as assigned; the ISR is the live replicas and the leader the first live one', () => {
      const { records, results } = createTopics(withFenced, { topics: [manual([{ partitionIndex: 1, brokerIds: [4, 2] }, { partitionIndex: 0, brokerIds: [3, 1] }])] }, topicsContext());
      expect(results[0]).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 2 });
      const after = commit(withFenced, records);
      expect(partitionOf(after, 'm', 0)).toMatchObject({ replicas: [3, 1], isr: [3, 1], leader: 3 });
      expect(partitionOf(after, 'm', 1)).toMatchObject({ replicas: [4, 2], isr: [2], leader: 2 });
    });

    const cases: [string, CreatableTopic, number, string][] = [
      ['with a replication factor', manual([{ partitionIndex: 0, brokerIds: [1] }], { replicationFactor: 1 }), ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.'],
      ['with a partition count', manual([{ partitionIndex: 0, brokerIds: [1] }], { numPartitions: 1 }), ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.'],
      ['an empty replica list', manual([{ partitionIndex: 0, brokerIds: [] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
      ['a broker twice', manual([{ partitionIndex: 0, brokerIds: [1, 2, 1] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.'],
      ['an unregistered broker', manual([{ partitionIndex: 0, brokerIds: [1, 9] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 9, but no such broker is registered.'],
      ['inconsistent replication factors', manual([{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [3] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).'],
      ['a partition twice', manual([{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 0, brokerIds: [2] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Found multiple manual partition assignments for partition 0'],
      ['a gap in partition ids', manual([{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [2] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence'],
      ['only fenced brokers', manual([{ partitionIndex: 0, brokerIds: [4] }]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All brokers specified in the manual partition assignment for partition 0 are fenced or in controlled shutdown.'],
    ];
    it.each(cases)('refuses %s', (_name, request, errorCode, errorMessage) => {
      const { records, results } = createTopics(withFenced, { topics: [request] }, topicsContext());
      expect(records).toEqual([]);
      expect(results[0]).toMatchObject({ errorCode, errorMessage });
    });
  });

  it('hands the configs and the resource to the injected validator, and returns its error', () => {
    const seen: unknown[] = [];
    const validateConfigs = (configs: Record<string, string>, resource: unknown) => {
      seen.push([{ ...configs }, resource]);
      return configs['retention.ms'] === '-5' ? { errorCode: ErrorCode.INVALID_CONFIG, message: 'Invalid value -5 for configuration retention.ms' } : null;
    };
    const { records, results } = createTopics(
      image,
      { topics: [topic('bad', { configs: { 'retention.ms': '-5' } }), topic('good', { configs: { 'retention.ms': '5' } })] },
      topicsContext(1, { validateConfigs }),
    );
    expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([[ErrorCode.INVALID_CONFIG, 'Invalid value -5 for configuration retention.ms'], [0, null]]);
    expect(seen).toEqual([[{ 'retention.ms': '-5' }, { resourceType: 'TOPIC', resourceName: 'bad' }], [{ 'retention.ms': '5' }, { resourceType: 'TOPIC', resourceName: 'good' }]]);
    expect(records.some((r) => r.type === 'TopicRecord' && r.name === 'bad')).toBe(false);
  });

  it('INVALID_CONFIG for a null or oversized value', () => {
    const nullValue = { x: null } as unknown as Record<string, string>;
    expect(createTopics(image, { topics: [topic('t', { configs: nullValue })] }, topicsContext()).results[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Null value not supported for topic configs: x',
    });
    expect(createTopics(image, { topics: [topic('t', { configs: { x: 'v'.repeat(40_000) } })] }, topicsContext()).results[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('validateOnly answers as if created but writes nothing and draws no id', () => {
    let drawn = 0;
    const ctx = topicsContext(1, { newTopicId: () => (drawn++, '44444444-4444-4444-8444-444444444444') });
    const { records, results } = createTopics(image, { topics: [topic('v'), topic('')], validateOnly: true }, ctx);
    expect(records).toEqual([]);
    expect(drawn).toBe(0);
    expect(results.map((r) => r.errorCode)).toEqual([0, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    expect(results[0]).toMatchObject({ topicId: null, numPartitions: 3, replicationFactor: 2 });
  });

  it('draws another id when the generator returns a reserved or taken one, and asserts when it never stops', () => {
    const existing = withTopic(image, 'a', 1, 1);
    const taken = existing.topicsByName.get('a')?.topicId as string;
    const ids = ['00000000-0000-0000-0000-000000000000', taken, 'NOT-A-UUID', '55555555-5555-4555-8555-555555555555'];
    const { results } = createTopics(existing, { topics: [topic('b')] }, topicsContext(1, { newTopicId: () => ids.shift() as string }));
    expect(results[0].topicId).toBe('55555555-5555-4555-8555-555555555555');
    expect(() => createTopics(existing, { topics: [topic('c')] }, topicsContext(1, { newTopicId: () => taken }))).toThrow(AssertionError);
  });

  it('is deterministic for the same image, request and seeds', () => {
    const request = { topics: [topic('x', { numPartitions: 6, replicationFactor: 3 }), topic('y')] };
    expect(createTopics(image, request, topicsContext(3))).toEqual(createTopics(image, request, topicsContext(3)));
    const other = createTopics(image, request, { ...topicsContext(3), prng: createPrng(99) });
    expect(other.results).toEqual(createTopics(image, request, topicsContext(3)).results);
  });
});
