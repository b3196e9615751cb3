import { ErrorCode, TributaryError } from '@tributary/errors';
import { encodeControlBatch, encodeRecordBatch } from '@tributary/records';
import { createProducer } from '../producer/producer';
import type { FakeCluster } from '../test-support/fake-cluster';
import { createTestBed } from '../test-support/harness';
import type { FetchRequest } from '../transport/transport';
import { createConsumer, RecordDeserializationError, type Consumer } from './consumer';
import type { ConsumerConfigInput } from './consumer-config';

const T0 = { topic: 't', partition: 0 };
const T1 = { topic: 't', partition: 1 };

/** Appends one batch of string values (timestamps 1000, 2000, … unless given). */
function appendValues(cluster: FakeCluster, tp: { topic: string; partition: number }, values: string[], firstTimestamp = 1000): void {
  cluster.append(tp.topic, tp.partition, encodeRecordBatch({ records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: firstTimestamp + i * 1000 })) }));
}

function setup(config: ConsumerConfigInput = {}, options: { brokers?: number; partitions?: number } = {}) {
  const bed = createTestBed(options);
  bed.cluster.createTopic('t', options.partitions ?? 1);
  const consumer: Consumer<string, string> = createConsumer<string, string>(
    // A short long-poll, so a prefetch in flight answers within a 100 ms poll.
    { 'bootstrap.servers': 'broker-0:9290', 'key.deserializer': 'string', 'value.deserializer': 'string', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50, ...config },
    bed.deps,
  );
  const poll = async (timeoutMs = 100) => {
    const result = consumer.poll(timeoutMs);
    result.catch(() => undefined); // observed by the caller below; not an unhandled rejection meanwhile
    await bed.advance(timeoutMs, 10);
    return result;
  };
  const fetches = () => bed.cluster.requestsOf('fetch').map((r) => r.request as FetchRequest);
  return { ...bed, consumer, poll, fetches };
}

describe('Consumer: positions', () => {
  it('starts at the log start with auto.offset.reset=earliest and polls records in order', async () => {
    const { consumer, cluster, poll } = setup();
    appendValues(cluster, T0, ['a', 'b', 'c']);
    consumer.assign([T0]);
    const records = await poll();
    expect(records.map((r) => [r.offset, r.value, r.timestamp])).toEqual([
      [0, 'a', 1000],
      [1, 'b', 2000],
      [2, 'c', 3000],
    ]);
    expect(records[0]).toMatchObject({ topic: 't', partition: 0, key: null, timestampType: 'CreateTime' });
    const position = consumer.position(T0);
    expect(await position).toBe(3);
  });

  it('starts at the high watermark with auto.offset.reset=latest', async () => {
    const { consumer, cluster, poll, advance } = setup({ 'auto.offset.reset': 'latest' });
    appendValues(cluster, T0, ['old']);
    consumer.assign([T0]);
    const position = consumer.position(T0);
    await advance(10);
    expect(await position).toBe(1);
    appendValues(cluster, T0, ['new']);
    expect((await poll()).map((r) => r.value)).toEqual(['new']);
  });

  it('with auto.offset.reset=none, poll fails for a partition without a position (NoOffsetForPartition)', async () => {
    const { consumer } = setup({ 'auto.offset.reset': 'none' });
    consumer.assign([T0]);
    await expect(consumer.poll(0)).rejects.toMatchObject({ codeName: 'OFFSET_OUT_OF_RANGE', message: 'Undefined offset with no reset policy for partitions: [t-0]' });
  });

  it('seek moves the next poll, dropping records buffered for the old position', async () => {
    const { consumer, cluster, poll } = setup({ 'max.poll.records': 1 });
    appendValues(cluster, T0, ['a', 'b', 'c', 'd']);
    consumer.assign([T0]);
    expect((await poll()).map((r) => r.value)).toEqual(['a']);
    consumer.seek(T0, 3);
    expect((await poll()).map((r) => r.value)).toEqual(['d']);
    consumer.seek(T0, 1);
    expect((await poll()).map((r) => r.value)).toEqual(['b']);
  });

  it('seekToBeginning and seekToEnd resolve lazily through ListOffsets', async () => {
    const { consumer, cluster, advance } = setup();
    appendValues(cluster, T0, ['a', 'b']);
    consumer.assign([T0]);
    consumer.seekToEnd();
    const end = consumer.position(T0);
    await advance(10);
    expect(await end).toBe(2);
    consumer.seekToBeginning([T0]);
    const start = consumer.position(T0);
    await advance(10);
    expect(await start).toBe(0);
  });

  it('resets with auto.offset.reset when a fetch is out of range', async () => {
    const { consumer, cluster, poll } = setup();
    appendValues(cluster, T0, ['a', 'b', 'c']);
    consumer.assign([T0]);
    consumer.seek(T0, 99);
    expect((await poll()).map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });

  it('with auto.offset.reset=none, an out-of-range fetch fails poll with OFFSET_OUT_OF_RANGE', async () => {
    const { consumer, cluster, poll } = setup({ 'auto.offset.reset': 'none' });
    appendValues(cluster, T0, ['a']);
    consumer.assign([T0]);
    consumer.seek(T0, 5);
    await expect(poll()).rejects.toMatchObject({ codeName: 'OFFSET_OUT_OF_RANGE', topic: 't', partition: 0, offset: 5 });
  });

  it('offsetsForTimes finds the first offset at or after a timestamp, or null', async () => {
    const { consumer, cluster, advance } = setup({}, { partitions: 2 });
    appendValues(cluster, T0, ['a', 'b', 'c'], 1000);
    appendValues(cluster, T1, ['x', 'y'], 5000);
    consumer.assign([T0]);
    const result = consumer.offsetsForTimes([
      { ...T0, timestamp: 1500 },
      { ...T1, timestamp: 1000 },
    ]);
    await advance(10);
    expect(await result).toEqual([
      { topic: 't', partition: 0, offset: 1, timestamp: 2000 },
      { topic: 't', partition: 1, offset: 0, timestamp: 5000 },
    ]);
    const none = consumer.offsetsForTimes([{ ...T0, timestamp: 9999 }]);
    await advance(10);
    expect((await none)[0].offset).toBeNull();
    const ends = consumer.endOffsets([T0]);
    await advance(10);
    expect(await ends).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
  });
});

describe('Consumer: polling', () => {
  it('returns at most max.poll.records, the rest on later polls', async () => {
    const { consumer, cluster, poll } = setup({ 'max.poll.records': 2 });
    appendValues(cluster, T0, ['a', 'b', 'c', 'd', 'e']);
    consumer.assign([T0]);
    expect((await poll()).map((r) => r.value)).toEqual(['a', 'b']);
    expect((await poll()).map((r) => r.value)).toEqual(['c', 'd']);
    expect((await poll()).map((r) => r.value)).toEqual(['e']);
    expect(await poll()).toEqual([]);
  });

  it('prefetches with one fetch in flight per node and one buffered response per partition', async () => {
    const { consumer, cluster, poll, fetches } = setup({ 'max.poll.records': 1 }, { partitions: 2 });
    appendValues(cluster, T0, ['a0', 'b0', 'c0']);
    appendValues(cluster, T1, ['a1', 'b1', 'c1']);
    consumer.assign([T0, T1]);
    expect((await poll()).map((r) => r.value)).toEqual(['a0']);
    expect(consumer.metrics()).toEqual({ bufferedFetches: 2, inFlightFetches: 0 });
    const fetched = fetches().length;
    // Partitions with buffered records are not fetched again.
    expect((await poll(0)).map((r) => r.value)).toEqual(['b0']);
    expect(fetches().length).toBe(fetched);
    // Draining t-0 prefetches it alone (t-1 still has buffered records); its answer is held.
    cluster.hold('fetch');
    expect((await poll(0)).map((r) => r.value)).toEqual(['c0']);
    expect(fetches().length).toBe(fetched + 1);
    expect(fetches().at(-1)?.topics[0].partitions.map((p) => p.partition)).toEqual([0]);
    expect(consumer.metrics()).toEqual({ bufferedFetches: 1, inFlightFetches: 1 });
    // t-1 drains too, but node 0 already has a fetch in flight: no second one.
    for (const expected of ['a1', 'b1', 'c1']) expect((await poll(0)).map((r) => r.value)).toEqual([expected]);
    expect(fetches().length).toBe(fetched + 1);
    cluster.release('fetch');
    appendValues(cluster, T1, ['d1']);
    expect((await poll(600)).map((r) => r.value)).toEqual(['d1']);
  });

  it('does not return or fetch paused partitions, keeps their buffered records, and resumes', async () => {
    const { consumer, cluster, poll, fetches } = setup({}, { partitions: 2 });
    appendValues(cluster, T0, ['a0']);
    appendValues(cluster, T1, ['a1']);
    consumer.assign([T0, T1]);
    consumer.pause([T1]);
    expect((await poll()).map((r) => r.value)).toEqual(['a0']);
    expect(fetches().every((f) => f.topics[0].partitions.every((p) => p.partition === 0))).toBe(true);
    expect(consumer.paused()).toEqual([T1]);
    consumer.resume([T1]);
    expect((await poll()).map((r) => r.value)).toEqual(['a1']);
  });

  it('reports lag as high watermark minus position', async () => {
    const { consumer, cluster, poll } = setup({ 'max.poll.records': 2 });
    appendValues(cluster, T0, ['a', 'b', 'c', 'd', 'e']);
    consumer.assign([T0]);
    expect(consumer.currentLag(T0)).toBeUndefined();
    await poll();
    expect(consumer.currentLag(T0)).toBe(3);
    await poll();
    await poll();
    expect(consumer.currentLag(T0)).toBe(0);
  });

  it('follows a moved leader after NOT_LEADER_OR_FOLLOWER', async () => {
    const { consumer, cluster, poll } = setup({}, { brokers: 2 });
    appendValues(cluster, T0, ['a']);
    consumer.assign([T0]);
    expect((await poll()).map((r) => r.value)).toEqual(['a']);
    cluster.setLeader('t', 0, 1);
    appendValues(cluster, T0, ['b']);
    expect((await poll(500)).map((r) => r.value)).toEqual(['b']);
    expect(cluster.requestsOf('fetch').at(-1)?.target.nodeId).toBe(1);
  });

  it('surfaces a non-retriable fetch error at poll', async () => {
    const { consumer, cluster, poll } = setup();
    appendValues(cluster, T0, ['a']);
    cluster.failFetch('t', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    consumer.assign([T0]);
    await expect(poll()).rejects.toMatchObject({ codeName: 'TOPIC_AUTHORIZATION_FAILED', topic: 't', partition: 0 });
    // The failed partition was not fetched again until that poll raised its error.
    expect(cluster.requestsOf('fetch')).toHaveLength(1);
    expect((await poll()).map((r) => r.value)).toEqual(['a']);
  });

  it('retries fetches after a request failure', async () => {
    const { consumer, cluster, poll } = setup();
    appendValues(cluster, T0, ['a']);
    cluster.rejectNext('fetch', new TributaryError('NETWORK_EXCEPTION'));
    consumer.assign([T0]);
    expect((await poll(500)).map((r) => r.value)).toEqual(['a']);
  });

  it('fails poll on a record that cannot be deserialized, keeping the position there', async () => {
    const { consumer, cluster, poll } = setup({
      'value.deserializer': (data: Uint8Array | null) => {
        const text = Buffer.from(data ?? []).toString();
        if (text === 'bad') throw new Error('not a number');
        return text;
      },
    });
    appendValues(cluster, T0, ['ok', 'bad', 'after']);
    consumer.assign([T0]);
    expect((await poll()).map((r) => r.value)).toEqual(['ok']);
    // The prefetch sent before the failure is still in flight (long poll): its answer is for an old position.
    await expect(poll(600)).rejects.toBeInstanceOf(RecordDeserializationError);
    await expect(poll(600)).rejects.toMatchObject({ codeName: 'INVALID_RECORD', topic: 't', partition: 0, offset: 1 });
    consumer.seek(T0, 2);
    expect((await poll()).map((r) => r.value)).toEqual(['after']);
  });

  it('check.crcs=true fails poll on a corrupt batch (CORRUPT_MESSAGE, position kept); false reads it', async () => {
    for (const checkCrcs of [true, false]) {
      const { consumer, cluster, poll } = setup({ 'check.crcs': checkCrcs });
      const batch = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('bits'), timestamp: 1 }] });
      batch[batch.length - 2] ^= 0x20; // 'bits' → 'bitS' (the byte before the header count): only the CRC notices
      cluster.append('t', 0, batch);
      consumer.assign([T0]);
      if (checkCrcs) {
        await expect(poll()).rejects.toMatchObject({ codeName: 'CORRUPT_MESSAGE', topic: 't', partition: 0, offset: 0 });
      } else {
        expect((await poll()).map((r) => r.value)).toEqual(['bitS']);
      }
    }
  });

  it('runs interceptors on what poll returns (fail-open)', async () => {
    const { cluster, deps, advance } = createTestBed();
    cluster.createTopic('t', 1);
    const consumer = createConsumer<string, string>(
      {
        'bootstrap.servers': 'broker-0:9290',
        'value.deserializer': 'string',
        'key.deserializer': 'string',
        'auto.offset.reset': 'earliest',
        'interceptor.classes': [
          { onConsume: (records) => records.filter((r) => Buffer.from(r.value ?? []).toString() !== 'skip') },
          {
            onConsume: () => {
              throw new Error('broken interceptor');
            },
          },
        ],
      },
      deps,
    );
    appendValues(cluster, T0, ['keep', 'skip', 'keep2']);
    consumer.assign([T0]);
    const records = consumer.poll(100);
    await advance(100, 10);
    expect((await records).map((r) => r.value)).toEqual(['keep', 'keep2']);
    expect(deps.logger.warnings.some((w) => w.includes('onConsume failed'))).toBe(true);
  });
});

describe('Consumer: isolation.level', () => {
  /** offsets 0-1: aborted txn of producer 5; 2: its ABORT marker; 3: plain; 4: committed txn of producer 6; 5: its COMMIT marker. */
  function appendTransactions(cluster: FakeCluster): void {
    const txn = (producerId: number, values: string[]) =>
      encodeRecordBatch({ producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true, records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1 })) });
    cluster.append('t', 0, txn(5, ['aborted-1', 'aborted-2']));
    cluster.append('t', 0, encodeControlBatch({ type: 'ABORT', producerId: 5, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1 }));
    cluster.append('t', 0, encodeRecordBatch({ records: [{ key: null, value: Buffer.from('plain'), timestamp: 1 }] }));
    cluster.append('t', 0, txn(6, ['committed']));
    cluster.append('t', 0, encodeControlBatch({ type: 'COMMIT', producerId: 6, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1 }));
    cluster.setAbortedTransactions('t', 0, [{ producerId: 5, firstOffset: 0 }]);
  }

  it('read_committed drops aborted transactions and every control marker', async () => {
    const { consumer, cluster, poll } = setup({ 'isolation.level': 'read_committed' });
    appendTransactions(cluster);
    consumer.assign([T0]);
    expect((await poll()).map((r) => [r.offset, r.value])).toEqual([
      [3, 'plain'],
      [4, 'committed'],
    ]);
    const position = consumer.position(T0);
    expect(await position).toBe(6);
  });

  it('read_uncommitted returns aborted records too, but never control markers', async () => {
    const { consumer, cluster, poll } = setup();
    appendTransactions(cluster);
    consumer.assign([T0]);
    expect((await poll()).map((r) => r.offset)).toEqual([0, 1, 3, 4]);
  });
});

describe('Consumer: loops, tracing, close', () => {
  it('run({ eachRecord }) hands over records until stop()', async () => {
    const { consumer, cluster, advance } = setup();
    appendValues(cluster, T0, ['a', 'b']);
    consumer.assign([T0]);
    const seen: string[] = [];
    const running = consumer.run({ eachRecord: (r) => void seen.push(r.value), pollTimeoutMs: 50 });
    await advance(100, 10);
    appendValues(cluster, T0, ['c']);
    await advance(100, 10);
    const stopped = consumer.stop();
    await advance(100, 10);
    await stopped;
    await running;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('run rejects with a handler error and rewinds to the failed record', async () => {
    const { consumer, cluster, advance } = setup();
    appendValues(cluster, T0, ['a', 'b', 'c']);
    consumer.assign([T0]);
    const running = consumer.run({
      eachBatch: ({ records }) => {
        if (records.some((r) => r.value === 'b')) throw new Error('handler failed');
      },
    });
    const outcome = running.catch((e: Error) => e.message);
    await advance(50, 10);
    expect(await outcome).toBe('handler failed');
    const position = consumer.position(T0);
    await advance(1);
    expect(await position).toBe(0);
  });

  it('the async iterator yields records and rewinds on break', async () => {
    const { consumer, cluster, advance } = setup();
    appendValues(cluster, T0, ['a', 'b', 'c']);
    consumer.assign([T0]);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const record of consumer) {
        seen.push(record.value);
        if (seen.length === 2) break;
      }
    })();
    await advance(50, 10);
    await loop;
    expect(seen).toEqual(['a', 'b']);
    const position = consumer.position(T0);
    await advance(1);
    expect(await position).toBe(2);
  });

  it('links the poll span to the producer span found in traceparent', async () => {
    const bed = setup();
    const producer = createProducer<string, string>({ 'bootstrap.servers': 'broker-0:9290', 'value.serializer': 'string', 'linger.ms': 0 }, bed.deps);
    const sent = producer.send({ topic: 't', partition: 0, value: 'traced' });
    await bed.advance(10);
    await sent;
    const sendSpan = bed.tracer.spans.find((s) => s.name === 'send t');
    expect(sendSpan?.ended).toBe(true);
    bed.consumer.assign([T0]);
    const records = await bed.poll();
    const traceparent = Buffer.from(records[0].headers.find((h) => h.key === 'traceparent')?.value ?? []).toString();
    expect(traceparent).toBe(`00-${sendSpan?.traceId}-${sendSpan?.spanId}-01`);
    const pollSpan = bed.tracer.spans.find((s) => s.name === 'poll');
    expect(pollSpan?.links.map((l) => l.context.spanId)).toEqual([sendSpan?.spanId]);
  });

  it('close ends polls, closes the transport and refuses later calls', async () => {
    const { consumer, cluster } = setup();
    consumer.assign([T0]);
    await consumer.close();
    expect(cluster.isClosed).toBe(true);
    await expect(consumer.poll(0)).rejects.toThrow(/already been closed/);
  });
});
