import { ErrorCode } from '@tributary/errors';
import { decodeRecordBatches, TimestampType } from '@tributary/records';
import { CALL, NOW_MS, type TestBroker, batch, createTopic, fetchRequest, openTestBroker, produce, removeDir, tempDir } from '../test-support/broker-fixture';

let dir: string;
let broker: TestBroker;

beforeEach(async () => {
  dir = tempDir();
  broker = await openTestBroker(dir, ['auto.create.topics.enable=false']);
  await createTopic(broker, 'orders', 2);
});

afterEach(async () => {
  await broker.runtime.shutdown();
  removeDir(dir);
});

const values = (records: Uint8Array): string[] => decodeRecordBatches(Buffer.from(records)).flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));

describe('produce and fetch', () => {
  it('round-trips batches encoded by @tributary/records, offsets assigned in order', async () => {
    expect(await produce(broker, 'orders', 1, batch(['a', 'b']))).toMatchObject({ errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 });
    expect(await produce(broker, 'orders', 1, batch(['c']), -1)).toMatchObject({ errorCode: 0, baseOffset: 2 });
    const res = await broker.api.fetch(fetchRequest('orders', 1, 0), CALL);
    const p = res.responses[0].partitions[0];
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 3, logStartOffset: 0 });
    expect(values(p.records)).toEqual(['a', 'b', 'c']);
    const from1 = await broker.api.fetch(fetchRequest('orders', 1, 2), CALL);
    expect(values(from1.responses[0].partitions[0].records)).toEqual(['c']);
  });

  it('acks=0 still appends and answers', async () => {
    expect(await produce(broker, 'orders', 0, batch(['x']), 0)).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(broker.runtime.replicaManager.getPartition({ topic: 'orders', partition: 0 })?.log.logEndOffset).toBe(1);
  });

  it('rejects acks other than -1, 0, 1 with INVALID_REQUIRED_ACKS for every partition', async () => {
    expect(await produce(broker, 'orders', 0, batch(['x']), 2)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1 });
    expect(broker.runtime.replicaManager.getPartition({ topic: 'orders', partition: 0 })?.log.logEndOffset).toBe(0);
  });

  it('answers CORRUPT_MESSAGE for a bad CRC or garbage, and appends nothing', async () => {
    const corrupt = batch(['a']);
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(await produce(broker, 'orders', 0, corrupt)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
    expect(await produce(broker, 'orders', 0, Buffer.from('not a record batch at all'))).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    expect(await produce(broker, 'orders', 0, Buffer.alloc(0))).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    expect(await produce(broker, 'orders', 0, batch(['ok']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for unknown topics and partitions when auto-creation is off', async () => {
    expect(await produce(broker, 'nope', 0, batch(['a']))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(await produce(broker, 'orders', 7, batch(['a']))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    const fetched = await broker.api.fetch(fetchRequest('nope', 0, 0), CALL);
    expect(fetched.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('never exposes the metadata log to produce or fetch', async () => {
    expect(await produce(broker, '__cluster_metadata', 0, batch(['evil']))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    const fetched = await broker.api.fetch(fetchRequest('__cluster_metadata', 0, 0), CALL);
    expect(fetched.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, records: new Uint8Array(0) });
  });

  it('answers OFFSET_OUT_OF_RANGE past the log end, with the log start offset', async () => {
    await produce(broker, 'orders', 0, batch(['a']));
    const res = await broker.api.fetch(fetchRequest('orders', 0, 5), CALL);
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 0, highWatermark: 1 });
  });

  it('returns the first batch even when larger than max_bytes, and no more', async () => {
    await produce(broker, 'orders', 0, batch(['x'.repeat(500)]));
    await produce(broker, 'orders', 0, batch(['y']));
    const res = await broker.api.fetch(fetchRequest('orders', 0, 0, { maxBytes: 10, partitionMaxBytes: 10 }), CALL);
    expect(values(res.responses[0].partitions[0].records)).toEqual(['x'.repeat(500)]);
  });

  it('honours the request-wide max_bytes across partitions', async () => {
    await produce(broker, 'orders', 0, batch(['x'.repeat(300)]));
    await produce(broker, 'orders', 1, batch(['y'.repeat(300)]));
    const request = fetchRequest('orders', 0, 0, { maxBytes: 100 });
    request.topics[0].partitions.push({ ...request.topics[0].partitions[0], partition: 1 });
    const res = await broker.api.fetch(request, CALL);
    expect(values(res.responses[0].partitions[0].records)).toHaveLength(1);
    expect(res.responses[0].partitions[1].records.length).toBe(0);
  });
});

describe('long-poll fetch', () => {
  it('parks at the log end and is woken by an append, without time passing', async () => {
    const pending = broker.api.fetch(fetchRequest('orders', 0, 0, { maxWaitMs: 30_000 }), CALL);
    let done = false;
    void Promise.resolve(pending).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(1);
    await produce(broker, 'orders', 0, batch(['wake']));
    const res = await pending;
    expect(values(res.responses[0].partitions[0].records)).toEqual(['wake']);
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(0);
  });

  it('waits for min_bytes across appends', async () => {
    const pending = broker.api.fetch(fetchRequest('orders', 0, 0, { maxWaitMs: 30_000, minBytes: 150 }), CALL);
    await produce(broker, 'orders', 0, batch(['a']));
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(1);
    await produce(broker, 'orders', 0, batch(['b'.repeat(100)]));
    const res = await pending;
    expect(values(res.responses[0].partitions[0].records)).toEqual(['a', 'b'.repeat(100)]);
  });

  it('answers empty when max_wait_ms passes', async () => {
    const pending = broker.api.fetch(fetchRequest('orders', 0, 0, { maxWaitMs: 500 }), CALL);
    broker.scheduler.advance(499);
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(1);
    broker.scheduler.advance(1);
    const res = await pending;
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(res.responses[0].partitions[0].records.length).toBe(0);
  });

  it('completes parked fetches at shutdown', async () => {
    const pending = broker.api.fetch(fetchRequest('orders', 1, 0, { maxWaitMs: 30_000 }), CALL);
    broker.runtime.stopParkingFetches();
    const res = await pending;
    expect(res.responses[0].partitions[0].errorCode).toBe(0);
    const immediate = await broker.api.fetch(fetchRequest('orders', 1, 0, { maxWaitMs: 30_000 }), CALL);
    expect(immediate.responses[0].partitions[0].records.length).toBe(0);
  });

  it('frees the slot of a parked fetch whose caller went away', async () => {
    const cancelled = new AbortController();
    const pending = broker.api.fetch(fetchRequest('orders', 0, 0, { maxWaitMs: 30_000 }), { ...CALL, signal: cancelled.signal });
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(1);
    cancelled.abort();
    expect(broker.runtime.replicaManager.fetchPurgatory.size).toBe(0);
    expect((await pending).responses[0].partitions[0].errorCode).toBe(0);
  });

  it('wakes a parked fetch when its topic is deleted', async () => {
    const pending = broker.api.fetch(fetchRequest('orders', 0, 0, { maxWaitMs: 30_000 }), CALL);
    await broker.api.deleteTopics({ topicNames: ['orders'], timeoutMs: 0 }, CALL);
    const res = await pending;
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('produce validation against topic configs', () => {
  it('MESSAGE_TOO_LARGE above max.message.bytes', async () => {
    await createTopic(broker, 'small', 1, { 'max.message.bytes': '200' });
    expect(await produce(broker, 'small', 0, batch(['x'.repeat(300)]))).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE });
    expect(await produce(broker, 'small', 0, batch(['x']))).toMatchObject({ errorCode: 0 });
  });

  it('INVALID_TIMESTAMP outside message.timestamp.before/after.max.ms for CreateTime', async () => {
    await createTopic(broker, 'timely', 1, { 'message.timestamp.before.max.ms': '60000', 'message.timestamp.after.max.ms': '60000' });
    expect(await produce(broker, 'timely', 0, batch(['old'], {}, NOW_MS - 120_000))).toMatchObject({ errorCode: ErrorCode.INVALID_TIMESTAMP });
    expect(await produce(broker, 'timely', 0, batch(['future'], {}, NOW_MS + 120_000))).toMatchObject({ errorCode: ErrorCode.INVALID_TIMESTAMP });
    expect(await produce(broker, 'timely', 0, batch(['now'], {}, NOW_MS - 1000))).toMatchObject({ errorCode: 0 });
  });

  it('stamps LogAppendTime on LogAppendTime topics', async () => {
    await createTopic(broker, 'stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
    broker.scheduler.advance(5000);
    expect(await produce(broker, 'stamped', 0, batch(['a'], {}, 42))).toMatchObject({ errorCode: 0, logAppendTimeMs: NOW_MS + 5000 });
    const res = await broker.api.fetch(fetchRequest('stamped', 0, 0), CALL);
    const [decoded] = decodeRecordBatches(Buffer.from(res.responses[0].partitions[0].records));
    expect(decoded.header.maxTimestamp).toBe(NOW_MS + 5000);
    expect(decoded.records[0].timestamp).toBe(NOW_MS + 5000);
    expect(decoded.attributes.timestampType).toBe(TimestampType.LogAppendTime);
  });

  it('rejects records without a key on compacted topics with INVALID_RECORD naming the record', async () => {
    await createTopic(broker, 'compacted', 1, { 'cleanup.policy': 'compact' });
    const res = await produce(broker, 'compacted', 0, batch([{ key: 'a', value: '1' }, { key: null, value: '2' }]));
    expect(res).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1 });
    expect(res.recordErrors).toEqual([{ batchIndex: 1, batchIndexErrorMessage: expect.stringContaining('key') }]);
    expect(await produce(broker, 'compacted', 0, batch([{ key: 'a', value: '1' }]))).toMatchObject({ errorCode: 0 });
    expect(await produce(broker, 'orders', 0, batch([{ key: null, value: 'fine on delete topics' }]))).toMatchObject({ errorCode: 0 });
  });

  it('NOT_ENOUGH_REPLICAS for acks=-1 when min.insync.replicas exceeds the ISR; acks=1 still appends', async () => {
    await createTopic(broker, 'strict', 1, { 'min.insync.replicas': '2' });
    expect(await produce(broker, 'strict', 0, batch(['a']), -1)).toMatchObject({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS });
    expect(await produce(broker, 'strict', 0, batch(['a']), 1)).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });
});

describe('auto-creation', () => {
  it('creates unknown topics on produce and metadata when enabled', async () => {
    const auto = await openTestBroker(tempDir(), ['num.partitions=3']);
    try {
      expect(await produce(auto, 'fresh', 2, batch(['a']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
      const md = await auto.api.metadata({ topics: [{ name: 'other' }], allTopics: false, allowAutoTopicCreation: true }, CALL);
      expect(md.topics[0]).toMatchObject({ errorCode: 0, name: 'other' });
      expect(md.topics[0].partitions).toHaveLength(3);
      const noAuto = await auto.api.metadata({ topics: [{ name: 'third' }], allTopics: false, allowAutoTopicCreation: false }, CALL);
      expect(noAuto.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      await auto.runtime.shutdown();
      removeDir(auto.dir);
    }
  });
});

describe('fetch.max.bytes', () => {
  it('caps what one fetch returns whatever the request asks', async () => {
    const capped = await openTestBroker(tempDir(), ['fetch.max.bytes=1024']);
    try {
      await createTopic(capped, 'big', 1);
      for (const v of ['a', 'b', 'c']) expect(await produce(capped, 'big', 0, batch([v.repeat(600)]))).toMatchObject({ errorCode: 0 });
      const res = await capped.api.fetch(fetchRequest('big', 0, 0, { maxBytes: 1 << 20 }), CALL);
      expect(values(res.responses[0].partitions[0].records)).toEqual(['a'.repeat(600)]);
    } finally {
      await capped.runtime.shutdown();
      removeDir(capped.dir);
    }
  });
});
