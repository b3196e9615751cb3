import { TributaryError } from '@tributary/errors';
import { BrokerService, IsolationLevel as ProtoIsolationLevel, type FetchResponse as ProtoFetchResponse } from '@tributary/proto';
import { createRpcServer, type RpcServer, type ServiceHandlers } from '@tributary/rpc';
import { createPrng, systemScheduler } from '@tributary/util';
import { createConsumer } from '../consumer/consumer';
import { createAdminClient } from '../admin/admin-client';
import { recordsBatchCodec } from '../common/records-codec';
import { createProducer } from '../producer/producer';
import { FakeCluster } from '../test-support/fake-cluster';
import { RecordingLogger } from '../test-support/harness';
import { createGrpcTransport } from './grpc-transport';
import { OffsetSpec, type NodeTarget } from './transport';

/**
 * A real gRPC server on 127.0.0.1:0 whose Broker handlers map the proto
 * messages onto a FakeCluster: the engines talk to it through the real
 * GrpcTransport, so every field crosses the wire (int64s, bytes, enums).
 */
async function startBroker(): Promise<{ server: RpcServer; cluster: () => FakeCluster; bootstrap: string }> {
  // Created once the server's port is known; the handlers read it at call time.
  const holder: { cluster?: FakeCluster } = {};
  const fake = (): FakeCluster => holder.cluster as FakeCluster;
  const node = (): NodeTarget => fake().brokers[0];
  const unsupported = (): never => {
    throw new TributaryError('UNSUPPORTED_VERSION', 'not in this test broker');
  };
  const handlers: ServiceHandlers<typeof BrokerService> = {
    apiVersions: unsupported,
    metadata: async (req) => {
      const res = await fake().metadata(node(), { topics: req.allTopics ? null : req.topics.map((t) => t.name), allowAutoTopicCreation: req.allowAutoTopicCreation });
      return {
        throttleTimeMs: 0,
        clusterId: res.clusterId ?? '',
        controllerId: res.controllerId,
        brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        topics: res.topics.map((t) => ({
          errorCode: t.errorCode,
          errorMessage: '',
          name: t.name,
          topicId: new Uint8Array(16).fill(7),
          isInternal: false,
          partitions: t.partitions.map((p) => ({ ...p, errorMessage: '', partitionIndex: p.partition, replicaNodes: [...p.replicaNodes], isrNodes: [...p.isrNodes], offlineReplicas: [] })),
        })),
      };
    },
    initProducerId: async (req) => ({ ...(await fake().initProducerId(node(), { ...req, transactionalId: null })), throttleTimeMs: 0, errorMessage: '' }),
    produce: async (req) => {
      const res = await fake().produce(node(), {
        transactionalId: null,
        acks: req.acks,
        timeoutMs: req.timeoutMs,
        topics: req.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => ({ partition: p.index, records: p.records })) })),
      });
      return {
        throttleTimeMs: 0,
        responses: res.topics.map((t) => ({
          name: t.name,
          partitionResponses: t.partitions.map((p) => ({ index: p.partition, errorCode: p.errorCode, errorMessage: '', baseOffset: p.baseOffset, logAppendTimeMs: p.logAppendTimeMs, logStartOffset: p.logStartOffset, recordErrors: [] })),
        })),
      };
    },
    fetch: async (req): Promise<ProtoFetchResponse> => {
      const res = await fake().fetch(node(), {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: req.maxBytes,
        isolationLevel: req.isolationLevel === ProtoIsolationLevel.READ_COMMITTED ? 1 : 0,
        topics: req.topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((p) => ({ ...p, partitionMaxBytes: p.partitionMaxBytes })) })),
      });
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: '',
        responses: res.topics.map((t) => ({
          topic: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partition,
            errorCode: p.errorCode,
            errorMessage: '',
            highWatermark: p.highWatermark,
            lastStableOffset: p.lastStableOffset,
            logStartOffset: p.logStartOffset,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: p.records ?? new Uint8Array(0),
          })),
        })),
      };
    },
    listOffsets: async (req) => {
      const res = await fake().listOffsets(node(), {
        isolationLevel: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, timestamp: p.timestamp, currentLeaderEpoch: p.currentLeaderEpoch })) })),
      });
      return {
        throttleTimeMs: 0,
        topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ ...p, partitionIndex: p.partition, errorMessage: '' })) })),
      };
    },
    createTopics: async (req) => {
      const res = await fake().createTopics(node(), {
        timeoutMs: req.timeoutMs,
        validateOnly: req.validateOnly,
        topics: req.topics.map((t) => ({ ...t, assignments: [], configs: t.configs.map((c) => ({ name: c.name, value: c.value ?? null })) })),
      });
      return {
        throttleTimeMs: 0,
        topics: res.topics.map((t) => ({ ...t, topicId: new Uint8Array(0), errorMessage: t.errorMessage ?? '', configs: [] })),
      };
    },
    deleteTopics: () => {
      throw new TributaryError('CLUSTER_AUTHORIZATION_FAILED', 'no deleting here');
    },
    createPartitions: unsupported,
    describeConfigs: unsupported,
    incrementalAlterConfigs: unsupported,
    deleteRecords: unsupported,
  };
  const server = createRpcServer({ host: '127.0.0.1', port: 0 });
  server.addService(BrokerService, handlers);
  const port = await server.start();
  holder.cluster = new FakeCluster(systemScheduler, 1, () => ({ host: '127.0.0.1', port }));
  return { server, cluster: fake, bootstrap: `127.0.0.1:${port}` };
}

describe('GrpcTransport over a loopback gRPC server', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.server.shutdown(0);
  });

  it('carries admin, produce, list-offsets and fetch end to end', async () => {
    const deps = () => ({ transport: createGrpcTransport(), codec: recordsBatchCodec, prng: createPrng(3), logger: new RecordingLogger() });
    const admin = createAdminClient({ 'bootstrap.servers': broker.bootstrap, 'default.api.timeout.ms': 5000 }, deps());
    const [created] = await admin.createTopics([{ name: 'wire', numPartitions: 2, replicationFactor: 1 }]);
    expect(created).toMatchObject({ ok: true, numPartitions: 2 });
    const [described] = await admin.describeTopics(['wire']);
    expect(described).toMatchObject({ ok: true, topicId: Buffer.alloc(16, 7).toString('base64url') });
    const [refused] = await admin.deleteTopics(['wire']).catch((error: TributaryError) => [error]);
    expect(refused).toMatchObject({ codeName: 'CLUSTER_AUTHORIZATION_FAILED' });

    const producer = createProducer<string, { n: number }>({ 'bootstrap.servers': broker.bootstrap, 'key.serializer': 'string', 'value.serializer': 'json', 'linger.ms': 1 }, deps());
    const sent = await Promise.all([1, 2, 3].map((n) => producer.send({ topic: 'wire', partition: 1, key: `k${n}`, value: { n }, timestamp: 1_000 * n })));
    expect(sent.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(broker.cluster().batchHeaders('wire', 1)[0]).toMatchObject({ producerId: 1000, baseSequence: 0 });
    await producer.close();

    const [offset] = await admin.listOffsets([{ topic: 'wire', partition: 1, spec: 'latest' }]);
    expect(offset.offset).toBe(3);
    await admin.close();

    const consumer = createConsumer<string, { n: number }>(
      { 'bootstrap.servers': broker.bootstrap, 'key.deserializer': 'string', 'value.deserializer': 'json', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 10 },
      deps(),
    );
    consumer.assign([{ topic: 'wire', partition: 1 }]);
    const records = await consumer.poll(5000);
    expect(records.map((r) => [r.offset, r.key, r.value.n, r.timestamp])).toEqual([
      [0, 'k1', 1, 1000],
      [1, 'k2', 2, 2000],
      [2, 'k3', 3, 3000],
    ]);
    const times = await consumer.offsetsForTimes([{ topic: 'wire', partition: 1, timestamp: 1500 }]);
    expect(times[0].offset).toBe(1);
    await consumer.close();
    expect(OffsetSpec.EARLIEST).toBe(-2);
  });

  it('turns a dead address into a retriable NETWORK_EXCEPTION', async () => {
    const transport = createGrpcTransport();
    const dead = { nodeId: 0, host: '127.0.0.1', port: 1 };
    await expect(transport.metadata(dead, { topics: [], allowAutoTopicCreation: false }, { timeoutMs: 2000 })).rejects.toMatchObject({ retriable: true });
    await transport.close();
    await expect(transport.metadata(dead, { topics: [], allowAutoTopicCreation: false }, { timeoutMs: 100 })).rejects.toMatchObject({ codeName: 'NETWORK_EXCEPTION' });
  });
});
