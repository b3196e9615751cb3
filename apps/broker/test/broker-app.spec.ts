import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ErrorCode } from '@tributary/errors';
import { BrokerService, type ProducePartitionResponse } from '@tributary/proto';
import { createRpcClient, type RpcClient } from '@tributary/rpc';
import { createPrng } from '@tributary/util';
import { decodeRecordBatches, encodeRecordBatch } from '@tributary/records';
import { type ProcessHandle, spawnProcess } from '@tributary/testing';

/** The bundle `nx build broker-app` writes (the test target depends on it). */
const BROKER_BUNDLE = path.resolve(__dirname, '../../../dist/apps/broker/main.cjs');
/** Longest a broker may take to print its ready line (cold start on a busy 2-core machine). */
const READY_TIMEOUT_MS = 30_000;
const READY_LINE = /\bready\b.*\bgrpc=(?<address>\S+)/;

function spawnBroker(argv: readonly string[]): ProcessHandle {
  return spawnProcess({ command: process.execPath, args: [BROKER_BUNDLE, ...argv], readyPattern: READY_LINE, readyTimeoutMs: READY_TIMEOUT_MS, name: 'broker' });
}

/** Starts the built broker and waits for its ready line; the harness kills it after the test whatever happens. */
async function startBroker(argv: readonly string[]): Promise<{ broker: ProcessHandle; address: string; readyLine: string }> {
  const broker = spawnBroker(argv);
  const ready = await broker.ready;
  return { broker, address: ready.groups['address'], readyLine: ready.line };
}

let dir: string;
const clients: RpcClient<typeof BrokerService>[] = [];

beforeAll(() => {
  if (!existsSync(BROKER_BUNDLE)) throw new Error(`${BROKER_BUNDLE} is missing: run npx nx build broker-app (the test target depends on it)`);
});

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'broker-app-'));
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

const args = (...more: string[]): string[] => ['--override', 'listeners=grpc://127.0.0.1:0', '--override', `log.dirs=${dir}`, ...more];

function client(address: string): RpcClient<typeof BrokerService> {
  const c = createRpcClient(address, { service: BrokerService, defaultDeadlineMs: 20_000 });
  clients.push(c);
  return c;
}

async function createTopic(c: RpcClient<typeof BrokerService>, name: string, numPartitions: number): Promise<void> {
  const res = await c.createTopics({ topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics[0]).toMatchObject({ name, errorCode: 0 });
}

async function produce(c: RpcClient<typeof BrokerService>, topic: string, partition: number, records: Buffer, acks = 1): Promise<ProducePartitionResponse> {
  const res = await c.produce({ transactionalId: '', acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return res.responses[0].partitionResponses[0];
}

/** Every record of a partition, fetching from offset 0 until the high watermark (a fetch returns data of one segment at most). */
async function fetchAll(c: RpcClient<typeof BrokerService>, topic: string, partition: number): Promise<string[]> {
  const values: string[] = [];
  for (let offset = 0; ; ) {
    const res = await c.fetch({
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 64 << 20,
      isolationLevel: 0,
      rackId: '',
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 64 << 20 }] }],
    });
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    for (const b of decodeRecordBatches(Buffer.from(p.records))) {
      for (const r of b.records) if (r.offset >= offset) values.push(r.value?.toString() ?? '');
      offset = b.header.baseOffset + b.header.lastOffsetDelta + 1;
    }
    if (offset >= p.highWatermark || p.records.length === 0) return values;
  }
}

const batchOf = (values: readonly string[]): Buffer =>
  encodeRecordBatch({ records: values.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v), headers: [], timestamp: Date.now() })) });

describe('broker app', () => {
  it('serves create/produce/fetch, shuts down cleanly on SIGTERM and restarts without a recovery scan', async () => {
    const first = await startBroker(args());
    expect(first.readyLine).toMatch(/^tributary broker 1 ready grpc=127\.0\.0\.1:\d+ .*\bstartup=fresh\b/);
    const c = client(first.address);
    await createTopic(c, 'demo', 3);
    expect(await produce(c, 'demo', 1, batchOf(['hello', 'world']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await fetchAll(c, 'demo', 1)).toEqual(['hello', 'world']);

    const parked = c.fetch({
      replicaId: -1,
      maxWaitMs: 60_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      rackId: '',
      topics: [{ topic: 'demo', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    // A barrier, not a sleep: calls on one connection reach the server in order, so once this answers the fetch is parked.
    await c.apiVersions({ clientSoftwareName: 'test', clientSoftwareVersion: '0' });
    const exit = first.broker.kill('SIGTERM');
    const answered = await parked;
    expect(answered.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(await exit).toMatchObject({ code: 0, signal: null });
    expect(first.broker.output()).toContain('tributary broker stopped cleanly');

    const second = await startBroker(args());
    expect(second.readyLine).toMatch(/\bstartup=clean\b/);
    expect(second.broker.output().some((l) => /loaded \d+ logs from .* \(clean shutdown\)/.test(l))).toBe(true);
    const c2 = client(second.address);
    expect(await fetchAll(c2, 'demo', 1)).toEqual(['hello', 'world']);
    const md = await c2.metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false });
    expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual([['demo', 3]]);
    expect(md.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: Number(second.address.split(':')[1]) }]);
  });

  it('recovers after SIGKILL with every acknowledged record', async () => {
    const seed = Number(process.env['SEED'] ?? 20261121);
    const prng = createPrng(seed);
    const first = await startBroker(args('--override', 'log.segment.bytes=4096'));
    const c = client(first.address);
    await createTopic(c, 'acked', 2);
    const acked: string[][] = [[], []];
    for (let i = 0; i < 60; i++) {
      const partition = Math.floor(prng.next() * 2);
      const values = Array.from({ length: 1 + Math.floor(prng.next() * 5) }, (_, j) => `r${i}-${j}-${'x'.repeat(Math.floor(prng.next() * 200))}`);
      const res = await produce(c, 'acked', partition, batchOf(values), i % 2 === 0 ? 1 : -1);
      expect(res.errorCode).toBe(0);
      acked[partition].push(...values);
    }
    expect((await first.broker.kill('SIGKILL')).signal).toBe('SIGKILL');

    const second = await startBroker(args('--override', 'log.segment.bytes=4096'));
    expect(second.readyLine).toMatch(/\bstartup=recovered\b/);
    const c2 = client(second.address);
    for (const p of [0, 1]) expect(await fetchAll(c2, 'acked', p)).toEqual(acked[p]);
  }, 60_000);

  it('answers CORRUPT_MESSAGE for a malformed batch and keeps serving', async () => {
    const { address } = await startBroker(args());
    const c = client(address);
    await createTopic(c, 't', 1);
    const corrupt = batchOf(['a']);
    corrupt[corrupt.length - 3] ^= 0x55;
    expect(await produce(c, 't', 0, corrupt)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
    expect(await produce(c, 't', 0, Buffer.from([1, 2, 3]))).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    expect(await produce(c, 't', 0, batchOf(['fine']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await fetchAll(c, 't', 0)).toEqual(['fine']);
  });

  it('refuses a request over socket.request.max.bytes without affecting other clients', async () => {
    const { address } = await startBroker(args('--override', 'socket.request.max.bytes=2048'));
    const c = client(address);
    await createTopic(c, 'limits', 1);
    await expect(produce(c, 'limits', 0, batchOf(['x'.repeat(4096)]))).rejects.toMatchObject({ codeName: 'MESSAGE_TOO_LARGE' });
    const other = client(address);
    expect(await produce(other, 'limits', 0, batchOf(['small']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('answers a request that does not decode with INVALID_ARGUMENT and keeps serving other clients', async () => {
    const { address } = await startBroker(args());
    const raw = new grpc.Client(address, grpc.credentials.createInsecure());
    try {
      const status = await new Promise<grpc.ServiceError | null>((resolve) =>
        raw.makeUnaryRequest('/tributary.v1.Broker/Produce', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x22, 0xff, 0xff, 0xff, 0x0f]), (error) => resolve(error)),
      );
      expect(status?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(status?.details).toMatch(/malformed|ProduceRequest/);
    } finally {
      raw.close();
    }
    const c = client(address);
    await createTopic(c, 'after', 1);
    expect(await produce(c, 'after', 0, batchOf(['ok']))).toMatchObject({ errorCode: 0 });
  });

  it('exits non-zero with a one-line reason on bad configuration', async () => {
    const bad = spawnBroker(args('--override', 'num.partitions=zero'));
    await expect(bad.ready).rejects.toThrow();
    expect((await bad.exited).code).toBe(2);
    expect(bad.output()).toEqual([expect.stringMatching(/^tributary broker: invalid configuration: .*num\.partitions/)]);

    const unknown = spawnBroker(args('--override', 'no.such.property=1'));
    await expect(unknown.ready).rejects.toThrow();
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.output()).toEqual([expect.stringMatching(/unknown property 'no\.such\.property'/)]);
  });
});
