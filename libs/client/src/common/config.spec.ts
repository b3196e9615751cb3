import { parseAdminConfig } from '../admin/admin-config';
import { CONSUMER_CONFIG, parseConsumerConfig } from '../consumer/consumer-config';
import { parseProducerConfig } from '../producer/producer-config';
import { FakeScheduler } from '@tributary/util';
import { longDelayScheduler, MAX_TIMER_DELAY_MS } from './client-deps';
import { describeConfigs } from './config-def';

const BOOTSTRAP = { 'bootstrap.servers': 'localhost:9290' };

describe('producer config', () => {
  it("has Kafka 4.0's defaults", () => {
    const config = parseProducerConfig(BOOTSTRAP);
    expect(config).toMatchObject({
      'bootstrap.servers': ['localhost:9290'],
      acks: -1,
      'batch.size': 16384,
      'linger.ms': 5,
      'buffer.memory': 33554432,
      'max.block.ms': 60000,
      'compression.type': 'none',
      retries: 2147483647,
      'retry.backoff.ms': 100,
      'retry.backoff.max.ms': 1000,
      'delivery.timeout.ms': 120000,
      'request.timeout.ms': 30000,
      'max.in.flight.requests.per.connection': 5,
      'enable.idempotence': true,
      'max.request.size': 1048576,
      'partitioner.class': 'default',
      'interceptor.classes': [],
      'key.serializer': 'bytes',
      'value.serializer': 'bytes',
    });
  });

  it('accepts the string forms a properties file gives', () => {
    const config = parseProducerConfig({ 'bootstrap.servers': 'a:1, b:2', acks: 'all', 'batch.size': '1000', 'enable.idempotence': 'false', 'compression.type': 'ZSTD' });
    expect(config).toMatchObject({ 'bootstrap.servers': ['a:1', 'b:2'], acks: -1, 'batch.size': 1000, 'enable.idempotence': false, 'compression.type': 'zstd' });
    expect(parseProducerConfig({ ...BOOTSTRAP, acks: '1', 'enable.idempotence': false }).acks).toBe(1);
    expect(parseProducerConfig({ ...BOOTSTRAP, acks: 0, 'enable.idempotence': false }).acks).toBe(0);
  });

  it('rejects an unknown key with a clear error and a hint', () => {
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'linger.msec': 5 } as never)).toThrow("Unknown producer configuration 'linger.msec'; did you mean 'linger.ms'?");
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'transactional.id': 'x' } as never)).toThrow(/Unknown producer configuration 'transactional.id'/);
  });

  it('rejects bad values, naming the key', () => {
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'batch.size': -1 })).toThrow('Invalid value -1 for configuration batch.size: value must be at least 0');
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'linger.ms': 'soon' })).toThrow(/linger.ms: expected an integer/);
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'compression.type': 'brotli' })).toThrow(/expected one of none, gzip, snappy, lz4, zstd/);
    expect(() => parseProducerConfig({ ...BOOTSTRAP, acks: 2 as never })).toThrow(/acks: expected all, -1, 0 or 1/);
    expect(() => parseProducerConfig({})).toThrow("Missing required producer configuration 'bootstrap.servers' which has no default value");
    expect(() => parseProducerConfig({ 'bootstrap.servers': '' })).toThrow(/must not be empty/);
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'key.serializer': 42 as never })).toThrow(/key.serializer: expected a serializer/);
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'partitioner.class': {} as never })).toThrow(/expected a partitioner/);
  });

  it('needs acks=all, retries > 0 and max.in.flight <= 5 for explicit idempotence, and turns default idempotence off instead', () => {
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'enable.idempotence': true, acks: 1 })).toThrow('enable.idempotence=true needs: acks must be all (-1)');
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'enable.idempotence': true, 'max.in.flight.requests.per.connection': 6 })).toThrow(/at most 5/);
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'enable.idempotence': true, retries: 0 })).toThrow(/retries must be greater than 0/);
    expect(parseProducerConfig({ ...BOOTSTRAP, acks: 1 })['enable.idempotence']).toBe(false);
    expect(parseProducerConfig({ ...BOOTSTRAP, 'max.in.flight.requests.per.connection': 10 })['enable.idempotence']).toBe(false);
  });

  it('keeps delivery.timeout.ms >= linger.ms + request.timeout.ms', () => {
    expect(() => parseProducerConfig({ ...BOOTSTRAP, 'delivery.timeout.ms': 1000, 'request.timeout.ms': 2000 })).toThrow(
      'delivery.timeout.ms (1000) should be equal to or larger than linger.ms + request.timeout.ms (2005)',
    );
    expect(parseProducerConfig({ ...BOOTSTRAP, 'request.timeout.ms': 200000 })['delivery.timeout.ms']).toBe(200005);
  });
});

describe('consumer and admin config', () => {
  it("has Kafka's consumer defaults and validates auto.offset.reset", () => {
    expect(parseConsumerConfig(BOOTSTRAP)).toMatchObject({
      'fetch.min.bytes': 1,
      'fetch.max.bytes': 52428800,
      'fetch.max.wait.ms': 500,
      'max.partition.fetch.bytes': 1048576,
      'max.poll.records': 500,
      'auto.offset.reset': 'latest',
      'isolation.level': 'read_uncommitted',
      'check.crcs': true,
      'request.timeout.ms': 30000,
    });
    expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'auto.offset.reset': 'smallest' })).toThrow(/expected one of latest, earliest, none/);
    expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'max.poll.records': 0 })).toThrow(/at least 1/);
    expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'group.id': 'g' } as never)).toThrow(/Unknown consumer configuration 'group.id'/);
  });

  it('parses admin config', () => {
    expect(parseAdminConfig(BOOTSTRAP)['default.api.timeout.ms']).toBe(60000);
    expect(() => parseAdminConfig({ ...BOOTSTRAP, acks: 1 } as never)).toThrow(/Unknown admin configuration 'acks'/);
  });

  it('renders a Markdown table of the keys', () => {
    const table = describeConfigs(CONSUMER_CONFIG);
    expect(table.split('\n')[0]).toBe('| name | default | valid values | description |');
    expect(table).toContain('| `auto.offset.reset` | "latest" | latest, earliest, none |');
  });
});

describe('longDelayScheduler', () => {
  it('waits delays longer than a Node timer can hold in steps, and cancels them', () => {
    const fake = new FakeScheduler(0);
    const scheduler = longDelayScheduler(fake);
    const ran: number[] = [];
    scheduler.schedule(MAX_TIMER_DELAY_MS * 2 + 5, () => ran.push(fake.nowMs()));
    const cancelled = scheduler.schedule(MAX_TIMER_DELAY_MS + 1, () => ran.push(-1));
    fake.advance(MAX_TIMER_DELAY_MS);
    cancelled.cancel();
    fake.advance(MAX_TIMER_DELAY_MS + 5);
    expect(ran).toEqual([MAX_TIMER_DELAY_MS * 2 + 5]);
  });
});
