import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uuidGeneratorFromPrng } from '@tributary/metadata';
import { type BrokerService, type ProduceResponse } from '@tributary/proto';
import type { ServiceHandlers } from '@tributary/rpc';
import { encodeRecordBatch, type RecordBatchInput } from '@tributary/records';
import { CapturingStorageLogger } from '@tributary/storage';
import { testBrokerConfig } from '@tributary/testing';
import { FakeScheduler, createPrng } from '@tributary/util';
import { configLibModel } from '../config/config-lib-model';
import { brokerServiceHandlers } from '../handlers/broker-service';
import { BrokerRuntime, type BrokerRuntimeOptions } from '../runtime/broker-runtime';
import { createBrokerHandlers } from '../runtime/create-handlers';

/** 2023-11-14T22:13:20Z: a fixed "now" for timestamp checks. */
export const NOW_MS = 1_700_000_000_000;

/** An opened in-process broker for tests: its dir, runtime, handlers (no gRPC), clock and captured log lines. */
export interface TestBroker {
  readonly dir: string;
  readonly runtime: BrokerRuntime;
  readonly api: ServiceHandlers<typeof BrokerService>;
  readonly scheduler: FakeScheduler;
  readonly logger: CapturingStorageLogger;
}

/** A fresh temp dir for a test's log dirs; remove it with `removeDir`. */
export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'broker-test-'));
}

/** Removes a dir made by `tempDir`. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Opens a broker runtime on `dir` with the real config lib (plus `overrides`,
 * Kafka names), a FakeScheduler at NOW_MS, seeded ids, and registers its
 * listener, as the app does. `api` calls the handlers directly (no gRPC).
 */
export async function openTestBroker(
  dir: string,
  overrides: readonly string[] = [],
  options: { seed?: number; backgroundServices?: BrokerRuntimeOptions['backgroundServices'] } = {},
): Promise<TestBroker> {
  const seed = options.seed ?? 1;
  const config = testBrokerConfig({ 'log.dirs': dir, ...Object.fromEntries(overrides.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)])) });
  const scheduler = new FakeScheduler(NOW_MS);
  const logger = new CapturingStorageLogger();
  const prng = createPrng(seed);
  const runtime = await BrokerRuntime.open({
    config: configLibModel(config),
    scheduler,
    logger,
    newTopicId: uuidGeneratorFromPrng(createPrng(seed + 1)),
    newIncarnationId: uuidGeneratorFromPrng(createPrng(seed + 2)),
    prng,
    clusterId: 'test-cluster',
    ...(options.backgroundServices ? { backgroundServices: options.backgroundServices } : {}),
  });
  await runtime.registerListener('127.0.0.1', 9290);
  return { dir, runtime, api: brokerServiceHandlers(createBrokerHandlers(runtime)), scheduler, logger };
}

/** A call context for invoking handlers directly. */
export const CALL = { method: 'test', peer: 'test', deadline: undefined, signal: new AbortController().signal };

/** Creates a topic through the CreateTopics handler; fails the test on error. */
export async function createTopic(broker: TestBroker, name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<void> {
  const res = await broker.api.createTopics(
    { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }], timeoutMs: 0, validateOnly: false },
    CALL,
  );
  const result = res.topics[0];
  if (result.errorCode !== 0) throw new Error(`creating ${name} failed: ${result.errorCode} ${result.errorMessage}`);
}

/** One batch of records with string keys and values, at `timestamp`. */
export function batch(values: readonly (string | { key: string | null; value: string })[], extra: Partial<RecordBatchInput> = {}, timestamp = NOW_MS): Buffer {
  return encodeRecordBatch({
    ...extra,
    records: values.map((v) => {
      const r = typeof v === 'string' ? { key: `k-${v}`, value: v } : v;
      return { key: r.key === null ? null : Buffer.from(r.key), value: Buffer.from(r.value), headers: [], timestamp };
    }),
  });
}

/** Produces `records` to one partition and returns that partition's response. */
export async function produce(broker: TestBroker, topic: string, partition: number, records: Buffer, acks = 1): Promise<ProduceResponse['responses'][number]['partitionResponses'][number]> {
  const res = await broker.api.produce({ transactionalId: '', acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] }, CALL);
  return res.responses[0].partitionResponses[0];
}

/** A fetch request for one partition. */
export function fetchRequest(topic: string, partition: number, fetchOffset: number, options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number } = {}) {
  return {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 1 << 20,
    isolationLevel: 0,
    rackId: '',
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20 }] }],
  };
}
