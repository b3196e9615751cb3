import { TributaryError } from '@tributary/errors';
import { encodeRecordBatch } from '@tributary/records';
import { createTestBed } from '../test-support/harness';
import { createAdminClient } from './admin-client';

function setup(brokers = 1) {
  const bed = createTestBed({ brokers });
  const admin = createAdminClient({ 'bootstrap.servers': 'broker-0:9290', 'default.api.timeout.ms': 2000 }, bed.deps);
  /** Runs an admin call while fake time moves. */
  const run = async <T>(call: Promise<T>, ms = 50): Promise<T> => {
    call.catch(() => undefined);
    await bed.advance(ms, 10);
    return call;
  };
  return { ...bed, admin, run };
}

describe('AdminClient', () => {
  it('creates topics with a typed result per topic', async () => {
    const { admin, run, cluster } = setup();
    cluster.createTopic('exists', 1);
    const results = await run(
      admin.createTopics([
        { name: 'orders', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } },
        { name: 'exists', numPartitions: 1 },
        { name: 'too-replicated', numPartitions: 1, replicationFactor: 3 },
      ]),
    );
    expect(results[0]).toMatchObject({ name: 'orders', ok: true, numPartitions: 3, replicationFactor: 1 });
    expect(results[1]).toMatchObject({ name: 'exists', ok: false });
    expect(results[1].ok === false && results[1].error.codeName).toBe('TOPIC_ALREADY_EXISTS');
    expect(results[2].ok === false && results[2].error.codeName).toBe('INVALID_REPLICATION_FACTOR');
    expect(await run(admin.listTopics())).toEqual(['exists', 'orders']);
  });

  it('validateOnly creates nothing', async () => {
    const { admin, run } = setup();
    const [result] = await run(admin.createTopics([{ name: 'dry', numPartitions: 1 }], { validateOnly: true }));
    expect(result.ok).toBe(true);
    expect(await run(admin.listTopics())).toEqual([]);
  });

  it('describes topics and the cluster from Metadata', async () => {
    const { admin, run, cluster } = setup(2);
    cluster.createTopic('t', 2);
    const [t, missing] = await run(admin.describeTopics(['t', 'missing']));
    expect(t).toMatchObject({ ok: true, name: 't', partitions: [{ partition: 0, leader: 0 }, { partition: 1, leader: 1 }] });
    expect(missing.ok === false && missing.error.codeName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const described = await run(admin.describeCluster());
    expect(described).toMatchObject({ clusterId: 'fake-cluster', controllerId: 0 });
    expect(described.nodes.map((n) => n.nodeId)).toEqual([0, 1]);
  });

  it('deletes topics and grows partitions, per item', async () => {
    const { admin, run, cluster } = setup();
    cluster.createTopic('t', 1);
    const grown = await run(admin.createPartitions([{ name: 't', count: 3 }, { name: 't2', count: 2 }]));
    expect(grown.map((r) => r.ok)).toEqual([true, false]);
    const [shrink] = await run(admin.createPartitions([{ name: 't', count: 2 }]));
    expect(shrink.ok === false && shrink.error.codeName).toBe('INVALID_PARTITIONS');
    expect((await run(admin.describeTopics(['t'])))[0]).toMatchObject({ ok: true, partitions: [{}, {}, {}] });
    const deleted = await run(admin.deleteTopics(['t', 'nope']));
    expect(deleted.map((r) => r.ok)).toEqual([true, false]);
  });

  it('describes and incrementally alters topic configs', async () => {
    const { admin, run, cluster } = setup();
    cluster.createTopic('t', 1);
    const altered = await run(
      admin.incrementalAlterConfigs([
        { resource: { type: 'topic', name: 't' }, ops: [{ name: 'retention.ms', op: 'set', value: '5000' }] },
        { resource: { type: 'topic', name: 'missing' }, ops: [{ name: 'retention.ms', op: 'set', value: '1' }] },
      ]),
    );
    expect(altered.map((r) => r.ok)).toEqual([true, false]);
    const [described] = await run(admin.describeConfigs([{ type: 'topic', name: 't' }], { keys: ['retention.ms'] }));
    expect(described).toMatchObject({ ok: true, configs: [{ name: 'retention.ms', value: '5000', configSource: 1 }] });
    await expect(admin.incrementalAlterConfigs([{ resource: { type: 'topic', name: 't' }, ops: [{ name: 'x', op: 'set' }] }])).rejects.toThrow(/needs a value/);
  });

  it('asks each broker about its own configs, with per-item errors for unknown brokers', async () => {
    const { admin, run, cluster } = setup(2);
    cluster.createTopic('t', 1);
    const results = await run(
      admin.describeConfigs([
        { type: 'broker', nodeId: 1 },
        { type: 'topic', name: 't' },
        { type: 'broker', nodeId: 7 },
      ]),
      200,
    );
    // The fake answers broker resources with an error: what matters is where each request went.
    expect(cluster.requestsOf('describeConfigs').some((r) => r.target.nodeId === 1)).toBe(true);
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(results[2].ok === false && results[2].error.codeName).toBe('BROKER_NOT_AVAILABLE');
  });

  it('deletes records on partition leaders and lists offsets', async () => {
    const { admin, run, cluster } = setup(2);
    cluster.createTopic('t', 2);
    const batch = encodeRecordBatch({ records: [1, 2, 3].map((i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: i * 1000 })) });
    cluster.append('t', 0, batch);
    cluster.append('t', 1, batch);
    const deleted = await run(
      admin.deleteRecords([
        { topic: 't', partition: 0, offset: 2 },
        { topic: 't', partition: 1, offset: 10 },
      ]),
    );
    expect(deleted[0]).toMatchObject({ ok: true, lowWatermark: 2 });
    expect(deleted[1].ok === false && deleted[1].error.codeName).toBe('OFFSET_OUT_OF_RANGE');
    expect(cluster.requestsOf('deleteRecords').map((r) => r.target.nodeId).sort()).toEqual([0, 1]);
    const query = async (spec: 'earliest' | 'latest' | { timestamp: number }) =>
      (
        await run(
          admin.listOffsets([
            { topic: 't', partition: 0, spec },
            { topic: 't', partition: 1, spec },
          ]),
        )
      ).map((o) => o.offset);
    expect(await query('earliest')).toEqual([2, 0]);
    expect(await query('latest')).toEqual([3, 3]);
    expect(await query({ timestamp: 2500 })).toEqual([2, 2]);
    expect(await query({ timestamp: 9000 })).toEqual([null, null]);
    await expect(admin.listOffsets([{ topic: 't', partition: 0, spec: 'earliest' }, { topic: 't', partition: 0, spec: 'latest' }])).rejects.toThrow(/one offset spec per partition/);
  });

  it('retries a call after a retriable request failure, and gives up at the timeout', async () => {
    const { admin, run, cluster } = setup();
    cluster.rejectNext('createTopics', new TributaryError('NETWORK_EXCEPTION'), 2);
    const [created] = await run(admin.createTopics([{ name: 'x', numPartitions: 1 }]), 1000);
    expect(created.ok).toBe(true);
    cluster.rejectNext('deleteTopics', new TributaryError('NETWORK_EXCEPTION'), 1000);
    await expect(run(admin.deleteTopics(['x'], { timeoutMs: 500 }), 1000)).rejects.toMatchObject({ codeName: 'REQUEST_TIMED_OUT' });
    cluster.clearFaults();
    cluster.rejectNext('deleteTopics', new TributaryError('CLUSTER_AUTHORIZATION_FAILED'), 1);
    await expect(run(admin.deleteTopics(['x']))).rejects.toMatchObject({ codeName: 'CLUSTER_AUTHORIZATION_FAILED' });
  });
});
