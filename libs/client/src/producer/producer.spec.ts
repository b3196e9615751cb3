import { ErrorCode, TributaryError } from '@tributary/errors';
import type { Scheduler } from '@tributary/util';
import type { ProduceRequest } from '../transport/transport';
import { createTestBed } from '../test-support/harness';
import { createProducer, type Producer } from './producer';
import type { ProducerConfigInput } from './producer-config';

/** Observes a promise without letting a rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: TributaryError } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: TributaryError) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

function setup(config: ProducerConfigInput = {}, options: { brokers?: number; partitions?: number; seed?: number; tracing?: boolean } = {}) {
  const bed = createTestBed(options);
  bed.cluster.createTopic('t', options.partitions ?? 1);
  // Without a tracer (the global no-op one) no traceparent header is added, so record sizes are exact.
  const deps = options.tracing === false ? { ...bed.deps, tracer: undefined } : bed.deps;
  const producer: Producer<string, string> = createProducer<string, string>(
    { 'bootstrap.servers': 'broker-0:9290', 'key.serializer': 'string', 'value.serializer': 'string', ...config },
    deps,
  );
  const produceRequests = () => bed.cluster.requestsOf('produce').map((r) => ({ ...r, request: r.request as ProduceRequest }));
  return { ...bed, producer, produceRequests };
}

describe('Producer: batching', () => {
  it('waits linger.ms for more records, then sends them in one batch', async () => {
    const { producer, advance, produceRequests, cluster } = setup({ 'linger.ms': 5 });
    await advance(0); // metadata + producer id
    const sends = ['a', 'b', 'c'].map((v) => track(producer.send({ topic: 't', partition: 0, value: v })));
    await advance(4);
    expect(produceRequests()).toHaveLength(0);
    await advance(1);
    expect(produceRequests()).toHaveLength(1);
    await advance(1);
    expect(sends.map((s) => s.value?.offset)).toEqual([0, 1, 2]);
    expect(cluster.records('t', 0).map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });

  it('sends a batch as soon as it is full (batch.size), without waiting for linger', async () => {
    const { producer, advance, produceRequests, cluster } = setup({ 'linger.ms': 10_000, 'batch.size': 240 }, { tracing: false });
    await advance(0);
    const value = 'x'.repeat(50);
    for (let i = 0; i < 5; i++) void producer.send({ topic: 't', partition: 0, value });
    await advance(0);
    // 61 bytes of batch header + 57 bytes a record: three fit in 240 (232), the fourth opens a second batch.
    expect(produceRequests()).toHaveLength(1);
    const headers = cluster.batchHeaders('t', 0);
    expect(headers.map((h) => h.recordCount)).toEqual([3]);
    await advance(10_000, 1000);
    expect(cluster.batchHeaders('t', 0).map((h) => h.recordCount)).toEqual([3, 2]);
  });

  it('keyed records go where murmur2 puts them, keyless ones stick to one partition per batch', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 }, { partitions: 4 });
    await advance(0);
    const keyed = await Promise.all([producer.send({ topic: 't', key: 'foobar', value: '1' }), advance(1)]);
    // Kafka: toPositive(murmur2("foobar")) % 4 === (-790332482 & 0x7fffffff) % 4
    expect(keyed[0].partition).toBe((-790332482 & 0x7fffffff) % 4);
    const keyless = [1, 2, 3].map(() => track(producer.send({ topic: 't', value: 'v' })));
    await advance(1);
    expect(new Set(keyless.map((s) => s.value?.partition)).size).toBe(1);
    expect(cluster.highWatermark('t', 0) + cluster.highWatermark('t', 1) + cluster.highWatermark('t', 2) + cluster.highWatermark('t', 3)).toBe(4);
  });

  it('drains one batch per partition of a leader into one request, within max.request.size', async () => {
    const { producer, advance, produceRequests } = setup({ 'linger.ms': 5, 'max.request.size': 300 }, { partitions: 4 });
    await advance(0);
    for (let p = 0; p < 4; p++) void producer.send({ topic: 't', partition: p, value: 'y'.repeat(100) });
    await advance(5);
    // Each batch is ~170 bytes: one per request under a 300-byte limit.
    const first = produceRequests()[0].request;
    expect(first.topics[0].partitions).toHaveLength(1);
    await advance(10);
    expect(produceRequests().length).toBe(4);
  });
  it('keeps up to max.in.flight.requests.per.connection requests in flight while answers are slow, without new sends to wake it', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, 'batch.size': 100 }, { partitions: 1 });
    await advance(0);
    cluster.hold('produce');
    // Eight full batches queued at once; a request carries one batch per partition, so filling the pipe takes several drains.
    const sends = Array.from({ length: 8 }, (_, i) => track(producer.send({ topic: 't', partition: 0, value: `${i}-${'p'.repeat(60)}` })));
    await advance(1);
    expect(produceRequests()).toHaveLength(5);
    cluster.release('produce');
    await advance(10);
    expect(produceRequests()).toHaveLength(8);
    expect(sends.map((s) => s.value?.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
  it('fills every in-flight slot in one sender run, not one request per timer tick (Node clamps setTimeout(0) to 1 ms)', async () => {
    const bed = createTestBed({});
    bed.cluster.createTopic('t', 1);
    const clamped: Scheduler = {
      nowMs: () => bed.scheduler.nowMs(),
      monotonicMs: () => bed.scheduler.monotonicMs(),
      schedule: (delayMs, task) => bed.scheduler.schedule(Math.max(1, delayMs), task),
    };
    const producer = createProducer<string, string>(
      { 'bootstrap.servers': 'broker-0:9290', 'key.serializer': 'string', 'value.serializer': 'string', 'linger.ms': 0, 'batch.size': 100 },
      { ...bed.deps, scheduler: clamped },
    );
    await bed.advance(10);
    bed.cluster.hold('produce');
    for (let i = 0; i < 8; i++) void producer.send({ topic: 't', partition: 0, value: `${i}-${'p'.repeat(60)}` });
    // The sends wake the sender for 1 ms later; it runs at the second tick (the first moves time by the clamp).
    await bed.advance(2);
    expect(bed.cluster.requestsOf('produce')).toHaveLength(5);
    bed.cluster.release('produce');
    await bed.advance(20);
    expect(bed.cluster.records('t', 0)).toHaveLength(8);
  });
});

describe('Producer: order without idempotence', () => {
  it('keeps one batch per partition in flight (gRPC may reorder pipelined calls)', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, 'batch.size': 100, acks: 1, 'enable.idempotence': false }, { partitions: 2 });
    await advance(0);
    cluster.hold('produce');
    const sends = Array.from({ length: 6 }, (_, i) => track(producer.send({ topic: 't', partition: i % 2, value: `${i}-${'q'.repeat(60)}` })));
    await advance(1);
    // Three full batches per partition: the first of each goes (one request carries a batch per partition), the rest wait.
    expect(produceRequests()).toHaveLength(1);
    expect(produceRequests()[0].request.topics[0].partitions.map((p) => p.partition).sort()).toEqual([0, 1]);
    await advance(5);
    expect(produceRequests()).toHaveLength(1);
    cluster.release('produce');
    await advance(20);
    expect(produceRequests()).toHaveLength(3);
    expect(sends.map((s) => s.value?.offset)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});

describe('Producer: buffer.memory and max.block.ms', () => {
  it('makes send wait for memory, then go on when a batch completes', async () => {
    const { producer, advance, cluster } = setup({ 'batch.size': 1000, 'buffer.memory': 2000, 'linger.ms': 0 }, { partitions: 3 });
    await advance(0);
    cluster.hold('produce');
    const a = track(producer.send({ topic: 't', partition: 0, value: 'a' }));
    const b = track(producer.send({ topic: 't', partition: 1, value: 'b' }));
    const c = track(producer.send({ topic: 't', partition: 2, value: 'c' }));
    await advance(10);
    expect(producer.metrics()).toMatchObject({ bufferAvailableBytes: 0, waitingSends: 1 });
    expect(c.settled).toBe(false);
    cluster.release('produce');
    await advance(10);
    expect([a.value?.partition, b.value?.partition, c.value?.partition]).toEqual([0, 1, 2]);
    expect(producer.metrics().bufferAvailableBytes).toBe(2000);
  });

  it('fails a send that waited max.block.ms for memory with a timeout, and keeps later sends in order', async () => {
    const { producer, advance, cluster } = setup({ 'batch.size': 1000, 'buffer.memory': 1000, 'linger.ms': 0, 'max.block.ms': 500 }, { partitions: 2 });
    await advance(0);
    cluster.hold('produce');
    const first = track(producer.send({ topic: 't', partition: 0, value: 'first' }));
    await advance(1);
    const blocked = track(producer.send({ topic: 't', partition: 1, value: 'blocked' }));
    await advance(499);
    expect(blocked.settled).toBe(false);
    await advance(1);
    expect(blocked.error).toBeInstanceOf(TributaryError);
    expect(blocked.error?.codeName).toBe('REQUEST_TIMED_OUT');
    expect(blocked.error?.message).toMatch(/Failed to allocate memory within the configured max blocking time 500 ms/);
    cluster.release('produce');
    await advance(1);
    expect(first.value?.offset).toBe(0);
  });

  it('bounds the bytes of sends waiting for memory by buffer.memory (fails fast past it)', async () => {
    const { producer, advance, cluster } = setup({ 'batch.size': 1000, 'buffer.memory': 2000, 'linger.ms': 0 }, { partitions: 2, tracing: false });
    await advance(0);
    cluster.hold('produce');
    const value = 'w'.repeat(400);
    const first = [0, 1].map((p) => track(producer.send({ topic: 't', partition: p, value })));
    await advance(1);
    // The pool is used up: these wait, until their bytes reach buffer.memory.
    const waiting = Array.from({ length: 5 }, () => track(producer.send({ topic: 't', partition: 0, value })));
    await advance(1);
    expect(producer.metrics().waitingSends).toBe(4);
    expect(waiting[4].error?.message).toMatch(/^Buffer exhausted: sends waiting to enter the producer already hold \d+ bytes \(buffer.memory=2000\)/);
    cluster.release('produce');
    await advance(10);
    cluster.release('produce');
    await advance(10);
    expect([...first, ...waiting.slice(0, 4)].every((s) => s.value !== undefined)).toBe(true);
  });

  it('fails a send for a topic that never appears after max.block.ms', async () => {
    const { producer, advance, cluster } = setup({ 'max.block.ms': 1000, 'retry.backoff.ms': 100 });
    const send = track(producer.send({ topic: 'missing', value: 'v' }));
    await advance(999, 10);
    expect(send.settled).toBe(false);
    await advance(1);
    expect(send.error?.message).toBe('Topic missing not present in metadata after 1000 ms.');
    // Metadata is asked again at most once per retry.backoff.ms, never in a tight loop.
    const times = cluster.requestsOf('metadata').map((r) => r.atMs);
    expect(times.length).toBeLessThanOrEqual(11);
    times.slice(1).forEach((t, i) => expect(t - times[i]).toBeGreaterThanOrEqual(100));
  });

  it('rejects a record larger than max.request.size at once', async () => {
    const { producer } = setup({ 'max.request.size': 100 });
    await expect(producer.send({ topic: 't', value: 'z'.repeat(200) })).rejects.toMatchObject({ codeName: 'MESSAGE_TOO_LARGE' });
  });
});

describe('Producer: delivery.timeout.ms', () => {
  it('expires batches that could not be sent within delivery.timeout.ms', async () => {
    const { producer, advance, cluster } = setup({ 'delivery.timeout.ms': 1000, 'request.timeout.ms': 500, 'linger.ms': 0 });
    await advance(0);
    cluster.setLeader('t', 0, -1);
    // Metadata still names broker 0: the first attempt fails NOT_LEADER, then the partition has no leader.
    const send = track(producer.send({ topic: 't', partition: 0, value: 'late' }));
    await advance(999, 10);
    expect(send.settled).toBe(false);
    await advance(10);
    expect(send.error?.codeName).toBe('REQUEST_TIMED_OUT');
    expect(send.error?.message).toMatch(/Expiring 1 record\(s\) for t-0:\d+ ms has passed since batch creation/);
    expect(producer.metrics().incompleteBatches).toBe(0);
  });

  it('gives up on a request with no answer after request.timeout.ms and retries it', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'request.timeout.ms': 300, 'delivery.timeout.ms': 5000, 'linger.ms': 0 });
    await advance(0);
    cluster.hangNext('produce');
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(299);
    expect(produceRequests()).toHaveLength(1);
    await advance(400, 10);
    expect(produceRequests()).toHaveLength(2);
    expect(send.value?.offset).toBe(0);
  });
});

describe('Producer: retries', () => {
  it('retries with exponential backoff and jitter, then succeeds', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, 'retry.backoff.ms': 100, 'retry.backoff.max.ms': 1000 });
    await advance(0);
    cluster.failProduce('t', 0, ErrorCode.NOT_ENOUGH_REPLICAS, 3);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(2000);
    expect(send.value?.offset).toBe(0);
    const times = produceRequests().map((r) => r.atMs);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // 100, 200, 400 ms, each ±20%
    expect(gaps).toHaveLength(3);
    [100, 200, 400].forEach((base, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(base * 0.8);
      expect(gaps[i]).toBeLessThanOrEqual(base * 1.2 + 1);
    });
  });

  it('keeps per-partition order across retries with 5 requests in flight (idempotence)', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0, 'batch.size': 100, 'max.in.flight.requests.per.connection': 5 });
    await advance(0);
    cluster.hold('produce');
    const sends = Array.from({ length: 8 }, (_, i) => track(producer.send({ topic: 't', partition: 0, value: `r${i}-${'p'.repeat(40)}` })));
    await advance(1);
    cluster.failProduce('t', 0, ErrorCode.NOT_ENOUGH_REPLICAS, 1);
    cluster.release('produce');
    await advance(3000, 10);
    expect(sends.every((s) => s.value !== undefined)).toBe(true);
    expect(cluster.records('t', 0).map((r) => r.value?.slice(0, 2))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(sends.map((s) => s.value?.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('fails at once on a non-retriable error', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    await advance(0);
    cluster.failProduce('t', 0, ErrorCode.INVALID_RECORD, 1);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(1);
    expect(send.error?.codeName).toBe('INVALID_RECORD');
  });

  it('stops retrying after `retries` resends (no idempotence)', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, retries: 2, 'enable.idempotence': false, acks: 1 });
    await advance(0);
    cluster.failProduce('t', 0, ErrorCode.NOT_ENOUGH_REPLICAS, 10);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(1000, 10);
    expect(send.error?.codeName).toBe('NOT_ENOUGH_REPLICAS');
    expect(produceRequests()).toHaveLength(3);
  });
});

describe('Producer: idempotence', () => {
  it('gets a producer id and numbers each partition from 0 by records', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0, 'batch.size': 100 }, { partitions: 2 });
    await advance(0);
    for (let i = 0; i < 3; i++) void producer.send({ topic: 't', partition: 0, value: `${i}-${'q'.repeat(30)}` });
    void producer.send({ topic: 't', partition: 1, value: 'other' });
    await advance(10);
    const headers = cluster.batchHeaders('t', 0);
    expect(headers.map((h) => [h.producerId, h.producerEpoch, h.baseSequence, h.recordCount])).toEqual([
      [1000, 0, 0, 1],
      [1000, 0, 1, 1],
      [1000, 0, 2, 1],
    ]);
    expect(cluster.batchHeaders('t', 1).map((h) => h.baseSequence)).toEqual([0]);
    expect(producer.metrics()).toMatchObject({ producerId: 1000, producerEpoch: 0 });
  });

  it('resends with the same sequence after a lost ack; the duplicate counts as success', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0 });
    await advance(0);
    // Written, but the answer is a retriable error: the retry is a duplicate.
    cluster.failProduce('t', 0, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, 1, true);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'once' }));
    await advance(500, 10);
    expect(produceRequests()).toHaveLength(2);
    expect(send.value?.offset).toBe(0);
    expect(cluster.records('t', 0).map((r) => r.value)).toEqual(['once']);
  });

  it('bumps the epoch after a sequence gap and goes on from sequence 0', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    await advance(0);
    cluster.failProduce('t', 0, ErrorCode.INVALID_RECORD, 1);
    const bad = track(producer.send({ topic: 't', partition: 0, value: 'bad' }));
    await advance(1);
    const good = track(producer.send({ topic: 't', partition: 0, value: 'good' }));
    await advance(100);
    expect(bad.error?.codeName).toBe('INVALID_RECORD');
    expect(good.value?.offset).toBe(0);
    expect(cluster.batchHeaders('t', 0).map((h) => [h.producerEpoch, h.baseSequence])).toEqual([[1, 0]]);
    expect(cluster.requestsOf('initProducerId')).toHaveLength(2);
  });

  it('on OUT_OF_ORDER_SEQUENCE_NUMBER for the next expected batch, bumps the epoch and resends it from sequence 0 (KIP-360)', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    await Promise.all([producer.send({ topic: 't', partition: 0, value: 'first' }), advance(1)]);
    cluster.failProduce('t', 0, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 1);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'second' }));
    await advance(500, 10);
    expect(send.value?.offset).toBe(1);
    expect(cluster.batchHeaders('t', 0).map((h) => [h.producerEpoch, h.baseSequence])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('sends at most five batches of a partition from the oldest unacknowledged one, so its resend is still a duplicate', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, 'request.timeout.ms': 300, 'batch.size': 80 }, { tracing: false });
    await advance(0);
    // The first batch is written but its answer is lost; gRPC lets later batches through meanwhile.
    cluster.hangNext('produce', 1, { afterProcessing: true });
    const sends: ReturnType<typeof track<unknown>>[] = [];
    for (let i = 0; i < 8; i++) {
      sends.push(track(producer.send({ topic: 't', partition: 0, value: `r${i}-${'x'.repeat(20)}` })));
      await advance(1);
    }
    // Batches 1-4 went out behind it; 5-7 wait until the first one is resolved.
    expect(produceRequests()).toHaveLength(5);
    await advance(1000, 10);
    expect(sends.every((s) => s.value !== undefined)).toBe(true);
    expect(cluster.records('t', 0).map((r) => r.value?.slice(0, 2))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('never resends a batch of unknown outcome under a new epoch: it is resolved in its own epoch first', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0, 'max.in.flight.requests.per.connection': 5, 'batch.size': 100 }, { partitions: 2 });
    await advance(0);
    // t-1's batch is written but its ack is lost; t-0's batch fails for good: a gap, so the epoch must be bumped.
    cluster.failProduce('t', 1, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, 1, true);
    cluster.failProduce('t', 0, ErrorCode.INVALID_RECORD, 1);
    const lost = track(producer.send({ topic: 't', partition: 1, value: 'written-once' }));
    const bad = track(producer.send({ topic: 't', partition: 0, value: 'bad' }));
    await advance(1000, 10);
    expect(bad.error?.codeName).toBe('INVALID_RECORD');
    expect(lost.value?.offset).toBe(0);
    expect(cluster.records('t', 1).map((r) => r.value)).toEqual(['written-once']);
    expect(producer.metrics().producerEpoch).toBe(1);
  });

  it('fails a batch answered INVALID_PRODUCER_EPOCH and re-initialises before sending more', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    await advance(0);
    cluster.failProduce('t', 0, ErrorCode.INVALID_PRODUCER_EPOCH, 1);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(10);
    expect(send.error?.codeName).toBe('INVALID_PRODUCER_EPOCH');
    const next = track(producer.send({ topic: 't', partition: 0, value: 'w' }));
    await advance(10);
    expect(next.value?.offset).toBe(0);
    expect(producer.metrics().producerEpoch).toBe(1);
  });

  it('retries InitProducerId with backoff when it fails', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    cluster.rejectNext('initProducerId', new TributaryError('NETWORK_EXCEPTION'), 2);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(1000, 10);
    expect(cluster.requestsOf('initProducerId')).toHaveLength(3);
    expect(send.value?.offset).toBe(0);
  });
});

describe('Producer: metadata', () => {
  it('refreshes metadata on NOT_LEADER_OR_FOLLOWER and resends to the new leader', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0 }, { brokers: 2 });
    await Promise.all([producer.send({ topic: 't', partition: 0, value: 'before' }), advance(1)]);
    cluster.setLeader('t', 0, 1);
    const metadataBefore = cluster.requestsOf('metadata').length;
    const send = track(producer.send({ topic: 't', partition: 0, value: 'moved' }));
    await advance(500, 10);
    expect(send.value?.offset).toBe(1);
    expect(cluster.requestsOf('metadata').length).toBeGreaterThan(metadataBefore);
    expect(produceRequests().map((r) => r.target.nodeId)).toEqual([0, 0, 1]);
  });

  it('waits for a topic to appear within max.block.ms', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    const send = track(producer.send({ topic: 'late-topic', value: 'v' }));
    await advance(250, 10);
    cluster.createTopic('late-topic', 1);
    await advance(1000, 10);
    expect(send.value).toMatchObject({ topic: 'late-topic', partition: 0, offset: 0 });
  });
});

describe('Producer: acks, flush and close', () => {
  it('with acks=0 completes on send with offset -1', async () => {
    const { producer, advance } = setup({ acks: 0, 'linger.ms': 0 });
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    await advance(1);
    expect(send.value).toMatchObject({ partition: 0, offset: -1 });
  });

  it('flush sends lingering batches at once and waits for them', async () => {
    const { producer, advance } = setup({ 'linger.ms': 60_000 });
    await advance(0);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    const flushed = track(producer.flush());
    await advance(1);
    expect(flushed.settled).toBe(true);
    expect(send.value?.offset).toBe(0);
  });

  it('flush waits for the sends issued before it (failed ones too), not for later ones', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 }, { partitions: 2 });
    await advance(0);
    cluster.hold('produce');
    const before = [0, 1].map((p) => track(producer.send({ topic: 't', partition: p, value: `b${p}` })));
    const tooBig = track(producer.send({ topic: 't', partition: 0, value: 'x'.repeat(2 * 1024 * 1024) }));
    const flushed = track(producer.flush());
    await advance(1);
    const after = track(producer.send({ topic: 't', partition: 1, value: 'after' }));
    expect(tooBig.error?.codeName).toBe('MESSAGE_TOO_LARGE');
    expect(flushed.settled).toBe(false);
    cluster.release('produce');
    cluster.hold('produce');
    await advance(1);
    expect(before.map((s) => s.value?.offset)).toEqual([0, 0]);
    expect(flushed.settled).toBe(true);
    expect(after.settled).toBe(false);
    cluster.release('produce');
    await advance(2);
    expect(after.value?.offset).toBe(1);
    await expect(producer.flush()).resolves.toBeUndefined();
  });

  it('close sends what is buffered, then refuses new records and closes the transport', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 60_000 });
    await advance(0);
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    const closed = track(producer.close());
    await advance(1);
    expect(send.value?.offset).toBe(0);
    expect(closed.settled).toBe(true);
    expect(cluster.isClosed).toBe(true);
    await expect(producer.send({ topic: 't', value: 'after' })).rejects.toThrow(/after the producer is closed/);
  });

  it('close(timeout) fails what is still pending when the time is up', async () => {
    const { producer, advance, cluster } = setup({ 'linger.ms': 0 });
    await advance(0);
    cluster.hold('produce');
    const send = track(producer.send({ topic: 't', partition: 0, value: 'v' }));
    const closed = track(producer.close(100));
    await advance(99);
    expect(send.settled).toBe(false);
    await advance(1);
    expect(send.error?.message).toBe('Producer is closed forcefully.');
    expect(closed.settled).toBe(true);
  });

  it('bounds requests in flight per connection', async () => {
    const { producer, advance, cluster, produceRequests } = setup({ 'linger.ms': 0, 'max.in.flight.requests.per.connection': 2, 'enable.idempotence': false, acks: 1 }, { partitions: 4 });
    await advance(0);
    cluster.hold('produce');
    for (let p = 0; p < 4; p++) {
      void producer.send({ topic: 't', partition: p, value: 'a' });
      await advance(1);
    }
    expect(produceRequests()).toHaveLength(2);
    cluster.release('produce');
    await advance(5);
    expect(produceRequests().length).toBeGreaterThanOrEqual(3);
  });
});
