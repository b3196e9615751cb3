import type { Partitioner, ProducerInterceptor } from '@tributary/plugins-api';
import { createConsumer } from '../consumer/consumer';
import { HOOK_TIMEOUT_MS } from '../common/plugins';
import { createTestBed } from '../test-support/harness';
import { createProducer } from './producer';
import type { ProducerConfigInput } from './producer-config';

function setup(config: ProducerConfigInput = {}, partitions = 3, tracing = true) {
  const bed = createTestBed();
  bed.cluster.createTopic('t', partitions);
  bed.cluster.createTopic('audit', 1);
  const deps = tracing ? bed.deps : { ...bed.deps, tracer: undefined };
  const producer = createProducer<string, unknown>({ 'bootstrap.servers': 'broker-0:9290', 'key.serializer': 'string', 'linger.ms': 0, ...config }, deps);
  /** Sends and lets fake time run until it settles. */
  const send = async (record: Parameters<typeof producer.send>[0], ms = 10) => {
    const sent = producer.send(record);
    sent.catch(() => undefined);
    await bed.advance(ms);
    return sent;
  };
  return { ...bed, producer, send };
}

describe('Producer: partitioners', () => {
  it('uses the built-in round-robin partitioner by name, and Kafka class names', async () => {
    for (const name of ['round-robin', 'org.apache.kafka.clients.producer.RoundRobinPartitioner']) {
      const { send } = setup({ 'partitioner.class': name, 'value.serializer': 'string' });
      const partitions = [];
      for (let i = 0; i < 4; i++) partitions.push((await send({ topic: 't', key: 'same', value: 'v' })).partition);
      expect(new Set(partitions).size).toBe(3);
    }
  });

  it('rejects an unknown partitioner name at construction', () => {
    expect(() => setup({ 'partitioner.class': 'my-plugin' })).toThrow(/partitioner.class=my-plugin is not a built-in partitioner \(default, uniform-sticky, round-robin\)/);
  });

  it('calls a custom partitioner, and fails the send when it answers out of range (fail-closed)', async () => {
    const seen: number[] = [];
    const partitioner: Partitioner = {
      partition: (record, cluster) => {
        seen.push(cluster.partitionCount);
        return record.value && record.value[0] === 0x39 /* '9' */ ? 9 : 2;
      },
    };
    const { send } = setup({ 'partitioner.class': partitioner, 'value.serializer': 'string' });
    expect((await send({ topic: 't', value: 'x' })).partition).toBe(2);
    await expect(send({ topic: 't', value: '9' })).rejects.toThrow(/returned partition 9 for topic t with 3 partitions/);
    expect(seen).toEqual([3, 3]);
  });

  it('moves a sticky partitioner on at a new batch (onNewBatch), keeping keyless records together per batch', async () => {
    const { producer, advance, cluster } = setup({ 'value.serializer': 'string', 'linger.ms': 1000, 'batch.size': 200 }, 3, false);
    const sends = Array.from({ length: 6 }, () => producer.send({ topic: 't', value: 'x'.repeat(40) }));
    await advance(1000, 100);
    const partitions = (await Promise.all(sends)).map((m) => m.partition);
    // 61 + 2 × 47 bytes fit in 200, a third record does not: batches of two, each on another partition than the last.
    expect([0, 1, 2].flatMap((p) => cluster.batchHeaders('t', p).map((h) => h.recordCount))).toEqual([2, 2, 2]);
    for (const i of [0, 2, 4]) expect(partitions[i + 1]).toBe(partitions[i]);
    expect(partitions[2]).not.toBe(partitions[0]);
    expect(partitions[4]).not.toBe(partitions[2]);
  });
});

describe('Producer: interceptors', () => {
  it('lets onSend reroute and change records, and tells onAcknowledgement of every outcome', async () => {
    const acks: string[] = [];
    const reroute: ProducerInterceptor = {
      onSend: (record) => (record.topic === 't' ? { ...record, topic: 'audit', partition: null, headers: [...record.headers, { key: 'seen', value: Buffer.from('1') }] } : record),
      onAcknowledgement: (metadata, error) => void acks.push(error ? `error:${error.message}` : `${metadata?.topic}-${metadata?.partition}@${metadata?.offset}`),
    };
    const { send, cluster } = setup({ 'interceptor.classes': [reroute], 'value.serializer': 'string' });
    const metadata = await send({ topic: 't', value: 'v' });
    expect(metadata).toMatchObject({ topic: 'audit', partition: 0, offset: 0 });
    expect(cluster.records('audit', 0)[0].headers.map((h) => h.key)).toEqual(['seen', 'traceparent']);
    await expect(send({ topic: 't', value: 'z'.repeat(2_000_000) })).rejects.toThrow(/larger than 1048576/);
    expect(acks[0]).toBe('audit-0@0');
    expect(acks[1]).toMatch(/^error:The message is \d+ bytes/);
  });

  it('keeps send order when onSend is async, and is fail-open for throws and timeouts', async () => {
    let calls = 0;
    const slowFirst: ProducerInterceptor = {
      onSend: (record) => {
        calls++;
        if (calls === 1) return Promise.resolve().then(() => record);
        if (calls === 2) throw new Error('broken');
        return record;
      },
    };
    const never: ProducerInterceptor = { onSend: (record) => (Buffer.from(record.value ?? []).toString() === 'hang' ? new Promise(() => undefined) : record) };
    const { producer, advance, cluster, logger } = setup({ 'interceptor.classes': [slowFirst, never], 'value.serializer': 'string' }, 1);
    const sends = ['a', 'b', 'hang', 'c'].map((value) => producer.send({ topic: 't', value }));
    await advance(HOOK_TIMEOUT_MS + 10, 10);
    await Promise.all(sends);
    expect(cluster.records('t', 0).map((r) => r.value)).toEqual(['a', 'b', 'hang', 'c']);
    expect(logger.warnings.some((w) => w.includes('onSend failed'))).toBe(true);
    expect(logger.warnings.some((w) => w.includes(`timed out after ${HOOK_TIMEOUT_MS} ms`))).toBe(true);
  });
});

describe('Producer: serializers and compression', () => {
  it('serializes with json, string and custom functions, and rejects wrong types', async () => {
    const json = setup({ 'value.serializer': 'json' });
    await json.send({ topic: 't', partition: 0, value: { a: [1, 2] } });
    expect(json.cluster.records('t', 0)[0].value).toBe('{"a":[1,2]}');
    const custom = setup({ 'value.serializer': (v: unknown) => Buffer.from(`<${String(v)}>`) });
    await custom.send({ topic: 't', partition: 0, value: 7 });
    expect(custom.cluster.records('t', 0)[0].value).toBe('<7>');
    const str = setup({ 'value.serializer': 'string' });
    await expect(str.send({ topic: 't', value: 42 })).rejects.toMatchObject({ codeName: 'INVALID_RECORD', message: expect.stringMatching(/Can't serialize the value for topic t: the string serializer needs a string/) });
    const tombstone = await str.send({ topic: 't', partition: 0, key: 'k', value: null });
    expect(tombstone.serializedValueSize).toBe(-1);
  });

  it('compresses batches with compression.type and a consumer reads them back', async () => {
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const bed = setup({ 'compression.type': compression, 'value.serializer': 'string', 'linger.ms': 5 }, 1);
      const sends = Array.from({ length: 20 }, (_, i) => bed.producer.send({ topic: 't', value: `value-${i}-${'r'.repeat(50)}` }));
      await bed.advance(10);
      await Promise.all(sends);
      expect(bed.cluster.batchHeaders('t', 0)[0].attributes & 0x07).toBe({ gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[compression]);
      const consumer = createConsumer<Uint8Array, string>({ 'bootstrap.servers': 'broker-0:9290', 'value.deserializer': 'string', 'auto.offset.reset': 'earliest' }, bed.deps);
      consumer.assign([{ topic: 't', partition: 0 }]);
      const records = consumer.poll(100);
      await bed.advance(100, 10);
      expect((await records).map((r) => r.value.split('-')[1])).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    }
  });

  it('adds no traceparent header when no tracing SDK is registered', async () => {
    const bed = createTestBed();
    bed.cluster.createTopic('t', 1);
    const producer = createProducer({ 'bootstrap.servers': 'broker-0:9290', 'linger.ms': 0 }, { ...bed.deps, tracer: undefined });
    const sent = producer.send({ topic: 't', value: Buffer.from('v'), headers: { app: 'x' } });
    await bed.advance(10);
    await sent;
    expect(bed.cluster.records('t', 0)[0].headers).toEqual([{ key: 'app', value: 'x' }]);
  });
});
