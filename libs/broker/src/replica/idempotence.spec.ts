import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@tributary/errors';
import { imageToPlain } from '@tributary/metadata';
import { SNAPSHOT_SUFFIX } from '@tributary/storage';
import { CALL, type TestBroker, batch, createTopic, openTestBroker, produce, removeDir, tempDir } from '../test-support/broker-fixture';

let dir: string;
const opened: TestBroker[] = [];

async function open(): Promise<TestBroker> {
  const broker = await openTestBroker(dir, ['auto.create.topics.enable=false']);
  opened.push(broker);
  return broker;
}

beforeEach(() => {
  dir = tempDir();
});

afterEach(async () => {
  for (const b of opened.splice(0).reverse()) await b.runtime.shutdown();
  removeDir(dir);
});

async function initProducerId(broker: TestBroker): Promise<number> {
  const res = await broker.api.initProducerId({ transactionalId: '', transactionTimeoutMs: 0, producerId: -1, producerEpoch: -1 }, CALL);
  expect(res).toMatchObject({ errorCode: 0, producerEpoch: 0 });
  return res.producerId;
}

const idem = (producerId: number, producerEpoch: number, baseSequence: number, values: string[]) => batch(values, { producerId, producerEpoch, baseSequence });
const leo = (b: TestBroker, topic = 't') => b.runtime.replicaManager.getPartition({ topic, partition: 0 })?.log.logEndOffset;

describe('idempotent producer', () => {
  it('hands out distinct producer ids from a durable block', async () => {
    const broker = await open();
    const ids = [await initProducerId(broker), await initProducerId(broker), await initProducerId(broker)];
    expect(new Set(ids).size).toBe(3);
    expect(broker.runtime.controller.image.nextProducerId).toBe(1000);
    const tx = await broker.api.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }, CALL);
    expect(tx.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('returns the original offsets for a retried batch without appending it', async () => {
    const broker = await open();
    await createTopic(broker, 't');
    const pid = await initProducerId(broker);
    expect(await produce(broker, 't', 0, batch(['plain']))).toMatchObject({ baseOffset: 0 });
    expect(await produce(broker, 't', 0, idem(pid, 0, 0, ['a', 'b', 'c']))).toMatchObject({ errorCode: 0, baseOffset: 1 });
    expect(await produce(broker, 't', 0, idem(pid, 0, 0, ['a', 'b', 'c']))).toMatchObject({ errorCode: 0, baseOffset: 1 });
    expect(leo(broker)).toBe(4);
    const corruptRetry = idem(pid, 0, 0, ['a', 'b', 'c']);
    corruptRetry[corruptRetry.length - 1] ^= 1;
    expect(await produce(broker, 't', 0, corruptRetry)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    expect(await produce(broker, 't', 0, idem(pid, 0, 3, ['d']))).toMatchObject({ errorCode: 0, baseOffset: 4 });
  });

  it('rejects sequence gaps, fenced epochs and several batches per partition', async () => {
    const broker = await open();
    await createTopic(broker, 't');
    const pid = await initProducerId(broker);
    await produce(broker, 't', 0, idem(pid, 0, 0, ['a']));
    expect(await produce(broker, 't', 0, idem(pid, 0, 5, ['gap']))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(await produce(broker, 't', 0, idem(pid, 1, 0, ['new epoch']))).toMatchObject({ errorCode: 0, baseOffset: 1 });
    expect(await produce(broker, 't', 0, idem(pid, 0, 1, ['zombie']))).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    const two = Buffer.concat([idem(pid, 1, 1, ['x']), idem(pid, 1, 2, ['y'])]);
    expect(await produce(broker, 't', 0, two)).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD });
    expect(leo(broker)).toBe(2);
  });

  it('snapshots producer state when a segment rolls', async () => {
    const broker = await open();
    await createTopic(broker, 't', 1, { 'segment.bytes': '200' });
    const pid = await initProducerId(broker);
    for (let seq = 0; seq < 6; seq++) expect(await produce(broker, 't', 0, idem(pid, 0, seq, [`value-${seq}`.repeat(5)]))).toMatchObject({ errorCode: 0 });
    const partition = broker.runtime.replicaManager.getPartition({ topic: 't', partition: 0 });
    await partition?.snapshotsWritten();
    expect(partition?.log.segmentCount).toBeGreaterThan(1);
    expect(partition?.log.listProducerSnapshots().length).toBeGreaterThan(0);
  });
});

describe('recovery of producer state', () => {
  async function seed(broker: TestBroker): Promise<number> {
    await createTopic(broker, 't', 1, { 'segment.bytes': '300' });
    const pid = await initProducerId(broker);
    for (let seq = 0; seq < 5; seq++) await produce(broker, 't', 0, idem(pid, 0, seq, [`v${seq}`.repeat(8)]));
    return pid;
  }

  it('restores from the shutdown snapshot after a clean shutdown, replaying nothing', async () => {
    const first = await open();
    const pid = await seed(first);
    await first.runtime.shutdown();
    const second = await open();
    expect(second.runtime.cleanStart).toBe(true);
    expect(second.logger.messages('info').filter((m) => m.startsWith('rebuilt producer state'))).toEqual([]);
    expect(await produce(second, 't', 0, idem(pid, 0, 4, ['v4'.repeat(8)]))).toMatchObject({ errorCode: 0, baseOffset: 4 });
    expect(await produce(second, 't', 0, idem(pid, 0, 6, ['gap']))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leo(second)).toBe(5);
  });

  it('rebuilds from the log tail after a crash (no shutdown)', async () => {
    const crashed = await open();
    const pid = await seed(crashed);
    const second = await open();
    expect(second.runtime.cleanStart).toBe(false);
    expect(second.logger.messages('info').some((m) => m.startsWith('rebuilt producer state of t-0'))).toBe(true);
    expect(await produce(second, 't', 0, idem(pid, 0, 3, ['v3'.repeat(8)]))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    expect(await produce(second, 't', 0, idem(pid, 0, 5, ['next']))).toMatchObject({ errorCode: 0, baseOffset: 5 });
  });

  it('falls back to the log when the newest snapshot is corrupt, and deletes it', async () => {
    const first = await open();
    const pid = await seed(first);
    await first.runtime.shutdown();
    const partDir = path.join(dir, 't-0');
    const snapshots = readdirSync(partDir).filter((n) => n.endsWith(SNAPSHOT_SUFFIX)).sort();
    const newest = snapshots[snapshots.length - 1];
    writeFileSync(path.join(partDir, newest), Buffer.from('garbage that is no snapshot'));
    const second = await open();
    expect(readdirSync(partDir)).not.toContain(newest);
    expect(await produce(second, 't', 0, idem(pid, 0, 4, ['v4'.repeat(8)]))).toMatchObject({ errorCode: 0, baseOffset: 4 });
    expect(leo(second)).toBe(5);
  });
});

describe('metadata replay across restarts', () => {
  it('rebuilds topics, partitions, configs and producer-id blocks from the metadata log', async () => {
    const first = await open();
    await createTopic(first, 'a', 2, { 'retention.ms': '5000' });
    await createTopic(first, 'b', 1);
    await first.api.deleteTopics({ topicNames: ['b'], timeoutMs: 0 }, CALL);
    await first.api.createPartitions({ topics: [{ name: 'a', count: 3, assignments: [] }], timeoutMs: 0, validateOnly: false }, CALL);
    await produce(first, 'a', 2, batch(['kept']));
    await initProducerId(first);
    const before = imageToPlain(first.runtime.controller.image);
    await first.runtime.shutdown();

    const second = await open();
    const after = imageToPlain(second.runtime.controller.image);
    expect(after['topics']).toEqual(before['topics']);
    expect(after['topicConfigs']).toEqual(before['topicConfigs']);
    expect(second.runtime.replicaManager.allPartitions().map((p) => p.log.name).sort()).toEqual(['a-0', 'a-1', 'a-2']);
    expect(second.runtime.replicaManager.getPartition({ topic: 'a', partition: 1 })?.log.config.retentionMs).toBe(5000);
    expect(second.runtime.replicaManager.getPartition({ topic: 'a', partition: 2 })?.log.logEndOffset).toBe(1);
    expect(await initProducerId(second)).toBeGreaterThanOrEqual(1000);
  });

  it('deletes partition logs the metadata does not know (a topic deleted just before a crash)', async () => {
    const first = await open();
    await createTopic(first, 'ghost', 1);
    await produce(first, 'ghost', 0, batch(['boo']));
    await first.runtime.shutdown();
    // Replace the metadata log by one that never had the topic: its log on disk is now a stray.
    rmSync(path.join(dir, '__cluster_metadata-0'), { recursive: true });
    const second = await open();
    expect(second.runtime.replicaManager.getPartition({ topic: 'ghost', partition: 0 })).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n === 'ghost-0')).toEqual([]);
    expect(second.logger.messages('info')).toContain('deleted stray log ghost-0: its topic is not in the metadata');
  });

  it('keeps every acknowledged admin change after a crash', async () => {
    const crashed = await open();
    await createTopic(crashed, 'durable', 2);
    const second = await open();
    expect(second.runtime.controller.image.topicsByName.get('durable')?.partitions).toHaveLength(2);
  });
});
