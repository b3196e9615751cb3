import type { PluginDefinition } from '../define-plugin';
import type { ConsumerInterceptor, ConsumerRecord, ProducerInterceptor, ProducerRecord, RecordMetadata } from '../interceptors';
import { describeConsumerRecordsProblem, describeProducerRecordProblem } from '../validation/validate-records';
import { type ConformanceViolation, ViolationCollector } from '../validation/violation';
import { deepClone, deepEqual, errorMessage, show } from './deep';
import { type ConformanceOptions, instantiate } from './options';
import { Gen } from './seeded-prng';

type InterceptorPlugin = PluginDefinition<'producer-interceptor'> | PluginDefinition<'consumer-interceptor'>;

/**
 * Checks a producer or consumer interceptor (async: hooks may return
 * promises). Two instances with the same seed see the same generated records
 * (null keys and values, empty and binary headers included) and must:
 * - `no-throw`: not throw or reject from any hook;
 * - `result-shape`: return a well-formed record (onSend) or record array (onConsume);
 * - `no-mutation`: leave their arguments unchanged (return a modified copy instead);
 * - `determinism`: return equal results.
 * The kit cannot check time bounds (it uses no timers); the host enforces them.
 */
export async function checkInterceptor(plugin: InterceptorPlugin, options: ConformanceOptions = {}): Promise<ConformanceViolation[]> {
  if (plugin.kind === 'consumer-interceptor') return checkConsumerInterceptor(plugin, options);
  return checkProducerInterceptor(plugin as PluginDefinition<'producer-interceptor'>, options);
}

export async function checkProducerInterceptor(
  plugin: PluginDefinition<'producer-interceptor'>,
  options: ConformanceOptions = {},
): Promise<ConformanceViolation[]> {
  const violations = new ViolationCollector();
  const a = instantiate(plugin, 'producer-interceptor', options, violations);
  const b = instantiate(plugin, 'producer-interceptor', options, violations);
  if (!a || !b) return violations.list();
  const seed = options.seed ?? 1;
  const gen = new Gen(seed ^ 0x1e7e_c701);
  const cases = options.cases ?? 200;
  for (let i = 0; i < cases; i++) {
    const record = randomProducerRecord(gen);
    const where = `case ${i} (seed ${seed}): ${show(record)}`;
    const ra = await onSend(a, record, violations, where);
    const rb = await onSend(b, record, violations, where);
    if (ra !== undefined && rb !== undefined && !deepEqual(ra, rb)) {
      violations.add('determinism', `two instances with the same seed returned ${show(ra)} and ${show(rb)}; ${where}`);
    }
    const failed = gen.chance(0.2);
    const metadata: RecordMetadata | null = failed && gen.chance(0.5) ? null : randomMetadata(gen, ra ?? record, failed);
    const error = failed ? new Error('simulated send failure') : null;
    await ack(a, metadata, error, violations, where);
    await ack(b, metadata, error, violations, where);
  }
  await closeQuietly(a, violations);
  await closeQuietly(b, violations);
  return violations.list();
}

export async function checkConsumerInterceptor(
  plugin: PluginDefinition<'consumer-interceptor'>,
  options: ConformanceOptions = {},
): Promise<ConformanceViolation[]> {
  const violations = new ViolationCollector();
  const a = instantiate(plugin, 'consumer-interceptor', options, violations);
  const b = instantiate(plugin, 'consumer-interceptor', options, violations);
  if (!a || !b) return violations.list();
  const seed = options.seed ?? 1;
  const gen = new Gen(seed ^ 0xc0_75e1);
  const cases = options.cases ?? 200;
  for (let i = 0; i < cases; i++) {
    const records = Array.from({ length: gen.int(0, 5) }, () => randomConsumerRecord(gen));
    const where = `case ${i} (seed ${seed}): ${show(records)}`;
    const ra = await onConsume(a, records, violations, where);
    const rb = await onConsume(b, records, violations, where);
    if (ra !== undefined && rb !== undefined && !deepEqual(ra, rb)) {
      violations.add('determinism', `two instances with the same seed returned different records; ${where}`);
    }
    const offsets = records.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset + 1, leaderEpoch: r.leaderEpoch ?? null, metadata: null }));
    for (const interceptor of [a, b]) {
      if (!interceptor.onCommit) continue;
      const copy = deepClone(offsets);
      try {
        await interceptor.onCommit(copy);
        if (!deepEqual(copy, offsets)) violations.add('no-mutation', `onCommit() mutated its argument; ${where}`);
      } catch (error) {
        violations.add('no-throw', `onCommit() threw ${errorMessage(error)}; ${where}`);
      }
    }
  }
  await closeQuietly(a, violations);
  await closeQuietly(b, violations);
  return violations.list();
}

async function onSend(
  interceptor: ProducerInterceptor,
  record: ProducerRecord,
  violations: ViolationCollector,
  where: string,
): Promise<ProducerRecord | undefined> {
  const copy = deepClone(record);
  try {
    const result = await interceptor.onSend(copy);
    if (!deepEqual(copy, record)) violations.add('no-mutation', `onSend() mutated its argument (return a modified copy instead); ${where}`);
    const problem = describeProducerRecordProblem(result);
    if (problem) {
      violations.add('result-shape', `onSend() returned an invalid record: ${problem}; ${where}`);
      return undefined;
    }
    return result;
  } catch (error) {
    violations.add(record.key === null || record.value === null ? 'null-key' : 'no-throw', `onSend() threw ${errorMessage(error)}; ${where}`);
    return undefined;
  }
}

async function onConsume(
  interceptor: ConsumerInterceptor,
  records: readonly ConsumerRecord[],
  violations: ViolationCollector,
  where: string,
): Promise<readonly ConsumerRecord[] | undefined> {
  const copy = deepClone(records);
  try {
    const result = await interceptor.onConsume(copy);
    if (!deepEqual(copy, records)) violations.add('no-mutation', `onConsume() mutated its argument (return modified copies instead); ${where}`);
    const problem = describeConsumerRecordsProblem(result);
    if (problem) {
      violations.add('result-shape', `onConsume() returned invalid records: ${problem}; ${where}`);
      return undefined;
    }
    return result;
  } catch (error) {
    violations.add('no-throw', `onConsume() threw ${errorMessage(error)}; ${where}`);
    return undefined;
  }
}

async function ack(
  interceptor: ProducerInterceptor,
  metadata: RecordMetadata | null,
  error: Error | null,
  violations: ViolationCollector,
  where: string,
): Promise<void> {
  if (!interceptor.onAcknowledgement) return;
  try {
    await interceptor.onAcknowledgement(metadata === null ? null : deepClone(metadata), error);
  } catch (thrown) {
    violations.add('no-throw', `onAcknowledgement(${metadata === null ? 'null' : 'metadata'}, ${error ? 'error' : 'null'}) threw ${errorMessage(thrown)}; ${where}`);
  }
}

async function closeQuietly(instance: { close?(): unknown }, violations: ViolationCollector): Promise<void> {
  try {
    await instance.close?.();
  } catch (error) {
    violations.add('no-throw', `close() threw ${errorMessage(error)}`);
  }
}

const TOPICS = ['orders', 'clicks', 'audit'];

function randomHeaders(gen: Gen): { key: string; value: Uint8Array | null }[] {
  return Array.from({ length: gen.int(0, 3) }, (_, i) => ({ key: gen.pick(['traceparent', 'source', `h${i}`]), value: gen.chance(0.2) ? null : gen.bytes(8) }));
}

function randomProducerRecord(gen: Gen): ProducerRecord {
  return {
    topic: gen.pick(TOPICS),
    partition: gen.chance(0.2) ? gen.int(0, 7) : null,
    key: gen.chance(0.3) ? null : gen.bytes(16),
    value: gen.chance(0.1) ? null : gen.bytes(64),
    headers: randomHeaders(gen),
    timestampMs: gen.chance(0.5) ? null : 1_700_000_000_000 + gen.int(0, 1_000_000),
  };
}

function randomConsumerRecord(gen: Gen): ConsumerRecord {
  return {
    topic: gen.pick(TOPICS),
    partition: gen.int(0, 7),
    offset: gen.int(0, 1_000_000),
    timestampMs: 1_700_000_000_000 + gen.int(0, 1_000_000),
    key: gen.chance(0.3) ? null : gen.bytes(16),
    value: gen.chance(0.1) ? null : gen.bytes(64),
    headers: randomHeaders(gen),
    leaderEpoch: gen.chance(0.5) ? null : gen.int(0, 10),
  };
}

function randomMetadata(gen: Gen, record: ProducerRecord, failed: boolean): RecordMetadata {
  return {
    topic: record.topic,
    partition: record.partition ?? gen.int(0, 7),
    offset: failed ? -1 : gen.int(0, 1_000_000),
    timestampMs: record.timestampMs ?? 1_700_000_000_000,
    serializedKeySize: record.key?.length ?? -1,
    serializedValueSize: record.value?.length ?? -1,
  };
}
