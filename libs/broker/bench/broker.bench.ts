// Produce/fetch throughput of the broker: raw Log.appendAsLeader (the limit),
// the produce handler in-process (validation, producer checks, tracing,
// response), and the whole path over gRPC on loopback (one call at a time and
// 8 in flight); then fetching everything back over gRPC.
//   node tools/scripts/run-ts.mjs libs/broker/bench/broker.bench.ts [--smoke]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseBrokerConfig } from '@tributary/config';
import { BrokerService } from '@tributary/proto';
import { createRpcClient, createRpcServer } from '@tributary/rpc';
import { encodeRecordBatch } from '@tributary/records';
import { LogManager, NodeDisk, silentStorageLogger } from '@tributary/storage';
import { createPrng, systemScheduler } from '@tributary/util';
import { configLibModel } from '../src/config/config-lib-model';
import { brokerServiceHandlers } from '../src/handlers/broker-service';
import { BrokerRuntime } from '../src/runtime/broker-runtime';
import { createBrokerHandlers } from '../src/runtime/create-handlers';

const smoke = process.argv.includes('--smoke');
const BATCHES = smoke ? 20 : 2_000;
const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 100;
const IN_FLIGHT = 8;

const template = encodeRecordBatch({
  records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(VALUE_BYTES, i), headers: [], timestamp: Date.now() })),
});
const batchBytes = template.length;
const fresh = (): Buffer => Buffer.from(template);

function rate(count: number, startNs: bigint): number {
  return count / (Number(process.hrtime.bigint() - startNs) / 1e9);
}

async function rawAppendRecordsPerSec(dir: string): Promise<number> {
  const logs = await LogManager.open({ disk: new NodeDisk(), logDirs: [dir], scheduler: systemScheduler, logger: silentStorageLogger });
  const log = logs.getOrCreateLog({ topic: 'raw', partition: 0 });
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) log.appendAsLeader(fresh(), 0);
  const perSec = rate(BATCHES * RECORDS_PER_BATCH, start);
  await logs.shutdown();
  return perSec;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'broker-bench-'));
  try {
    const rawRecordsPerSec = await rawAppendRecordsPerSec(path.join(root, 'raw'));
    const config = parseBrokerConfig({
      argv: ['node.id=1', 'process.roles=broker,controller', 'controller.quorum.voters=1@127.0.0.1:0', 'listeners=GRPC://127.0.0.1:0,CONTROLLER://127.0.0.1:0', `log.dirs=${path.join(root, 'broker')}`].flatMap((o) => ['--override', o]),
    });
    const runtime = await BrokerRuntime.open({
      config: configLibModel(config),
      scheduler: systemScheduler,
      logger: silentStorageLogger,
      newTopicId: randomUUID,
      newIncarnationId: randomUUID,
      prng: createPrng(1),
      clusterId: 'bench',
    });
    await runtime.registerListener('127.0.0.1', 0);
    const api = brokerServiceHandlers(createBrokerHandlers(runtime));
    const call = { method: 'bench', peer: 'bench', deadline: undefined, signal: new AbortController().signal };
    await api.createTopics({ topics: ['inproc', 'grpc', 'grpc8'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 0, validateOnly: false }, call);
    const request = (topic: string) => ({ transactionalId: '', acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: fresh() }] }] });

    let start = process.hrtime.bigint();
    for (let i = 0; i < BATCHES; i++) await api.produce(request('inproc'), call);
    const handlerRecordsPerSec = rate(BATCHES * RECORDS_PER_BATCH, start);

    const server = createRpcServer({ host: '127.0.0.1', port: 0 });
    server.addService(BrokerService, api);
    const port = await server.start();
    const client = createRpcClient(`127.0.0.1:${port}`, { service: BrokerService });
    start = process.hrtime.bigint();
    for (let i = 0; i < BATCHES; i++) await client.produce(request('grpc'));
    const grpcRecordsPerSec = rate(BATCHES * RECORDS_PER_BATCH, start);

    start = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < BATCHES) {
          next++;
          await client.produce(request('grpc8'));
        }
      }),
    );
    const grpcPipelinedRecordsPerSec = rate(BATCHES * RECORDS_PER_BATCH, start);

    start = process.hrtime.bigint();
    let fetched = 0;
    for (let offset = 0; offset < BATCHES * RECORDS_PER_BATCH; ) {
      const res = await client.fetch({
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 4 << 20,
        isolationLevel: 0,
        rackId: '',
        topics: [{ topic: 'grpc', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 4 << 20 }] }],
      });
      const bytes = res.responses[0].partitions[0].records.length;
      if (bytes === 0) throw new Error(`fetch at ${offset} returned nothing`);
      fetched += bytes;
      offset += Math.round(bytes / batchBytes) * RECORDS_PER_BATCH;
    }
    const fetchMBPerSec = rate(fetched, start) / 1e6;
    client.close();
    await server.shutdown(1000);
    await runtime.shutdown();

    const figures = {
      smoke,
      batches: BATCHES,
      recordsPerBatch: RECORDS_PER_BATCH,
      batchBytes,
      rawAppendRecordsPerSec: Math.round(rawRecordsPerSec),
      handlerProduceRecordsPerSec: Math.round(handlerRecordsPerSec),
      grpcProduceRecordsPerSec: Math.round(grpcRecordsPerSec),
      grpcProduce8InFlightRecordsPerSec: Math.round(grpcPipelinedRecordsPerSec),
      grpcFetchMBPerSec: Math.round(fetchMBPerSec),
      handlerVsRawRatio: Number((handlerRecordsPerSec / rawRecordsPerSec).toFixed(3)),
      grpcVsRawRatio: Number((grpcRecordsPerSec / rawRecordsPerSec).toFixed(3)),
      grpc8InFlightVsRawRatio: Number((grpcPipelinedRecordsPerSec / rawRecordsPerSec).toFixed(3)),
    };
    console.log(JSON.stringify(figures));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
