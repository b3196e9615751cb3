import { Client, Metadata, Server, ServerCredentials, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, TraceFlags, context, trace } from '@opentelemetry/api';
import { ErrorCode, TributaryError } from '@tributary/errors';
import { BrokerService, ProtoEncodeError, decodeProduceResponse } from '@tributary/proto';
import { getTracer, installTestTelemetry, withSpan } from '@tributary/telemetry';
import { connect } from 'node:http2';
import { DEFAULT_FLOW_CONTROL_WINDOW_BYTES } from './options';
import { type RpcCallContext } from './server';
import { Loopback, brokerHandlers, deferred, produceRequest, produceResponse } from './test-support/broker-fixture';

const loopback = new Loopback();
afterEach(() => loopback.close());

function causeOf(error: unknown): ServiceError {
  return (error as TributaryError).cause as ServiceError;
}

async function rejectionOf(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return error as TributaryError;
  }
  throw new Error('expected the call to fail');
}

describe('HTTP/2 flow control', () => {
  /** The receive windows the server grants a raw HTTP/2 client: its initial stream window and its connection window. */
  async function windowsGranted(target: string): Promise<{ stream: number; connection: number }> {
    const session = connect(`http://${target}`);
    try {
      const stream = await new Promise<number>((resolve, reject) => {
        session.once('error', reject);
        session.once('remoteSettings', (settings) => resolve(settings.initialWindowSize ?? 65_535));
      });
      // The connection window grows by a WINDOW_UPDATE sent after the SETTINGS; a ping answered means it has arrived.
      await new Promise<void>((resolve, reject) => session.ping((error) => (error ? reject(error) : resolve())));
      return { stream, connection: session.state.remoteWindowSize ?? 0 };
    } finally {
      session.destroy();
    }
  }

  it('servers grant wide receive windows (not HTTP/2\'s 64 KiB), so large requests are not paced by WINDOW_UPDATE round trips', async () => {
    const { target } = await loopback.server(brokerHandlers({}));
    expect(await windowsGranted(target)).toEqual({ stream: DEFAULT_FLOW_CONTROL_WINDOW_BYTES, connection: DEFAULT_FLOW_CONTROL_WINDOW_BYTES });
  });

  it('the window is configurable', async () => {
    const { target } = await loopback.server(brokerHandlers({}), { flowControlWindowBytes: 1 << 20 });
    expect(await windowsGranted(target)).toEqual({ stream: 1 << 20, connection: 1 << 20 });
  });

  it('a request larger than the window still arrives whole', async () => {
    const records = Buffer.alloc(3 << 20, 9);
    const { target } = await loopback.server(
      brokerHandlers({ produce: (request) => produceResponse(request.topicData[0]?.partitionData[0]?.records.length ?? -1) }),
      { flowControlWindowBytes: 1 << 20 },
    );
    const response = await loopback.client(target, { flowControlWindowBytes: 1 << 20 }).produce(produceRequest(records));
    expect(response.responses[0]?.partitionResponses[0]?.baseOffset).toBe(records.length);
  });
});

describe('unary calls', () => {
  it('round-trip a request and response over loopback with an OS-chosen port', async () => {
    const records = Buffer.alloc(64 * 1024, 7);
    let seen: RpcCallContext | undefined;
    const { server, target } = await loopback.server(
      brokerHandlers({
        produce: (request, call) => {
          seen = call;
          expect(Buffer.from(request.topicData[0]?.partitionData[0]?.records ?? [])).toEqual(records);
          return produceResponse(Number.MAX_SAFE_INTEGER);
        },
      }),
    );
    expect(server.port).toBeGreaterThan(0);
    expect(target).toBe(`127.0.0.1:${server.port}`);

    const client = loopback.client(target);
    const before = Date.now();
    const response = await client.produce(produceRequest(records), { deadlineMs: 5_000 });

    expect(response.responses[0]?.partitionResponses[0]?.baseOffset).toBe(Number.MAX_SAFE_INTEGER);
    expect(seen?.method).toBe('/tributary.v1.Broker/Produce');
    expect(seen?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen?.deadline).toBeGreaterThanOrEqual(before + 4_000);
    expect(seen?.signal.aborted).toBe(false);
    expect(server.connectionCount).toBe(1);
  });

  it('keep `this` for handlers that are methods of an object', async () => {
    class Handlers {
      private readonly controllerId = 3;
      metadata() {
        return { throttleTimeMs: 0, brokers: [], clusterId: 'c1', controllerId: this.controllerId, topics: [] };
      }
    }
    const { target } = await loopback.server({ ...brokerHandlers(), metadata: Handlers.prototype.metadata.bind(new Handlers()) });
    expect((await loopback.client(target).metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false })).controllerId).toBe(3);
  });
});

describe('deadlines', () => {
  it('fail the call with a retriable REQUEST_TIMED_OUT and abort the handler', async () => {
    const aborted = deferred<unknown>();
    const { target } = await loopback.server(
      brokerHandlers({
        fetch: (_request, call) =>
          new Promise((_resolve, reject) =>
            call.signal.addEventListener('abort', () => {
              aborted.resolve(call.signal.reason);
              reject(call.signal.reason);
            }),
          ),
      }),
    );
    const client = loopback.client(target, { defaultDeadlineMs: 60_000 });
    const error = await rejectionOf(client.fetch({ replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, topics: [], rackId: '' }, { deadlineMs: 100 }));
    expect(error.codeName).toBe('REQUEST_TIMED_OUT');
    expect(error.retriable).toBe(true);
    expect(causeOf(error).code).toBe(status.DEADLINE_EXCEEDED);
    expect(await aborted.promise).toBeInstanceOf(TributaryError);
  });

  it('use the client default when the call sets none', async () => {
    const { target } = await loopback.server(brokerHandlers({ fetch: () => new Promise(() => undefined) }));
    const error = await rejectionOf(loopback.client(target, { defaultDeadlineMs: 50 }).fetch({ replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, topics: [], rackId: '' }));
    expect(error.codeName).toBe('REQUEST_TIMED_OUT');
  });
});

describe('error mapping across the wire', () => {
  it.each([
    ['NOT_CONTROLLER', status.UNAVAILABLE, true],
    ['INVALID_REQUEST', status.INVALID_ARGUMENT, false],
    ['REQUEST_TIMED_OUT', status.DEADLINE_EXCEEDED, true],
    ['TOPIC_ALREADY_EXISTS', status.ALREADY_EXISTS, false],
    ['UNKNOWN_TOPIC_OR_PARTITION', status.NOT_FOUND, true],
    ['POLICY_VIOLATION', status.INVALID_ARGUMENT, false],
    ['INVALID_PRODUCER_EPOCH', status.FAILED_PRECONDITION, false],
    ['COORDINATOR_LOAD_IN_PROGRESS', status.UNAVAILABLE, true],
    ['UNKNOWN_SERVER_ERROR', status.INTERNAL, false],
  ] as const)('rebuilds %s (status %s) with the same code, message and retriable flag', async (name, grpcStatus, retriable) => {
    const { target } = await loopback.server(
      brokerHandlers({
        createTopics: () => {
          throw new TributaryError(name, `server says ${name}`);
        },
      }),
    );
    const error = await rejectionOf(loopback.client(target).createTopics({ topics: [], timeoutMs: 0, validateOnly: false }));
    expect(error.code).toBe(ErrorCode[name]);
    expect(error.message).toBe(`server says ${name}`);
    expect(error.retriable).toBe(retriable);
    expect(causeOf(error).code).toBe(grpcStatus);
    expect(causeOf(error).metadata.get('tributary-error-code')).toEqual([String(ErrorCode[name])]);
  });

  it('carries a retriable override', async () => {
    const { target } = await loopback.server(
      brokerHandlers({
        initProducerId: async () => {
          throw new TributaryError('NOT_COORDINATOR', 'gone for good', { retriable: false });
        },
      }),
    );
    const error = await rejectionOf(loopback.client(target).initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 1, producerId: -1, producerEpoch: -1 }));
    expect(error.codeName).toBe('NOT_COORDINATOR');
    expect(error.retriable).toBe(false);
  });

  it('turns foreign errors into INTERNAL without leaking them, reports them, and keeps serving', async () => {
    const reported: unknown[] = [];
    const secret = new Error('password=hunter2 at /srv/secret.ts:42');
    let calls = 0;
    const { target } = await loopback.server(
      brokerHandlers({
        metadata: () => {
          calls += 1;
          if (calls === 1) throw secret;
          if (calls === 2) return Promise.reject('a string, not an Error');
          return { throttleTimeMs: 0, brokers: [], clusterId: 'ok', controllerId: 1, topics: [] };
        },
      }),
      { onHandlerError: (error) => reported.push(error) },
    );
    const client = loopback.client(target);
    const request = { topics: [], allTopics: true, allowAutoTopicCreation: false };
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(client.metadata(request));
      expect(error.codeName).toBe('UNKNOWN_SERVER_ERROR');
      expect(causeOf(error).code).toBe(status.INTERNAL);
      expect(error.message).toBe('internal error in /tributary.v1.Broker/Metadata');
      expect(causeOf(error).details).not.toMatch(/hunter2|secret|at /);
    }
    expect(reported).toEqual([secret, 'a string, not an Error']);
    expect((await client.metadata(request)).clusterId).toBe('ok');
  });

  it('reports a response that cannot be encoded as INTERNAL', async () => {
    const reported: unknown[] = [];
    const { target } = await loopback.server(brokerHandlers({ produce: () => produceResponse(2 ** 60) }), { onHandlerError: (error) => reported.push(error) });
    const error = await rejectionOf(loopback.client(target).produce(produceRequest(new Uint8Array(1))));
    expect(error.codeName).toBe('UNKNOWN_SERVER_ERROR');
    expect(reported[0]).toBeInstanceOf(ProtoEncodeError);
  });

  it('survives an error hook that throws', async () => {
    const { target } = await loopback.server(
      brokerHandlers({
        metadata: () => {
          throw new Error('bug');
        },
      }),
      {
        onHandlerError: () => {
          throw new Error('hook bug');
        },
      },
    );
    const error = await rejectionOf(loopback.client(target).metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false }));
    expect(causeOf(error).code).toBe(status.INTERNAL);
  });

  it('answers a malformed request with INVALID_ARGUMENT and INVALID_REQUEST', async () => {
    const handler = jest.fn();
    const { target } = await loopback.server(brokerHandlers({ produce: handler }));
    const raw = new Client(target, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve) =>
        raw.makeUnaryRequest(BrokerService.methods.produce.path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0x7f]), (e) => resolve(e as ServiceError)),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.metadata.get('tributary-error-code')).toEqual([String(ErrorCode.INVALID_REQUEST)]);
      expect(error.details).toMatch(/malformed tributary\.v1\.ProduceRequest/);
      expect(handler).not.toHaveBeenCalled();
    } finally {
      raw.close();
    }
  });

  it('maps an unreachable server to a retriable NETWORK_EXCEPTION', async () => {
    const { server, target } = await loopback.server(brokerHandlers());
    await server.shutdown(0);
    const error = await rejectionOf(loopback.client(target).metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false }));
    expect(error.codeName).toBe('NETWORK_EXCEPTION');
    expect(error.retriable).toBe(true);
    expect(causeOf(error).code).toBe(status.UNAVAILABLE);
  });
});

describe('message size limits', () => {
  const echo = brokerHandlers({ produce: () => produceResponse(0) });

  it('reject a request over the server limit with RESOURCE_EXHAUSTED before the handler runs', async () => {
    const handler = jest.fn(() => produceResponse(0));
    const { target } = await loopback.server(brokerHandlers({ produce: handler }), { maxReceiveMessageBytes: 1024 });
    const error = await rejectionOf(loopback.client(target).produce(produceRequest(new Uint8Array(4096))));
    expect(error.codeName).toBe('MESSAGE_TOO_LARGE');
    expect(causeOf(error).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.message).toMatch(/\/tributary\.v1\.Broker\/Produce: .*larger than max \(\d+ vs 1024\)/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('reject a request over the client limit without sending it', async () => {
    const handler = jest.fn(() => produceResponse(0));
    const { target } = await loopback.server(brokerHandlers({ produce: handler }));
    const error = await rejectionOf(loopback.client(target, { maxSendMessageBytes: 100 }).produce(produceRequest(new Uint8Array(200))));
    expect(error.codeName).toBe('MESSAGE_TOO_LARGE');
    expect(error.message).toMatch(/request of \d+ bytes exceeds the client's max send message size of 100 bytes/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('reject a response over the server limit with MESSAGE_TOO_LARGE', async () => {
    const { target } = await loopback.server(
      brokerHandlers({
        fetch: () => ({
          throttleTimeMs: 0,
          errorCode: 0,
          errorMessage: '',
          responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: '', highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: new Uint8Array(2000) }] }],
        }),
      }),
      { maxSendMessageBytes: 1000 },
    );
    const error = await rejectionOf(loopback.client(target).fetch({ replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, topics: [], rackId: '' }));
    expect(error.codeName).toBe('MESSAGE_TOO_LARGE');
    expect(causeOf(error).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.message).toMatch(/response of \d+ bytes exceeds the server's max send message size of 1000 bytes/);
  });

  it('reject a response over the client limit', async () => {
    const { target } = await loopback.server(echo);
    const error = await rejectionOf(loopback.client(target, { maxReceiveMessageBytes: 10 }).produce(produceRequest(new Uint8Array(1))));
    expect(error.codeName).toBe('MESSAGE_TOO_LARGE');
    expect(causeOf(error).code).toBe(status.RESOURCE_EXHAUSTED);
  });
});

describe('trace context', () => {
  it('reaches the handler: the server span is a child of the client span, which is a child of the caller', async () => {
    const telemetry = installTestTelemetry();
    try {
      let handlerTraceId: string | undefined;
      const { target } = await loopback.server(
        brokerHandlers({
          listOffsets: () => {
            handlerTraceId = trace.getSpanContext(context.active())?.traceId;
            return { throttleTimeMs: 0, topics: [] };
          },
        }),
      );
      const client = loopback.client(target);
      const outer = await withSpan(getTracer('test'), 'caller', {}, async (span) => {
        await client.listOffsets({ replicaId: -1, isolationLevel: 0, topics: [] });
        return span.spanContext();
      });
      const clientSpan = telemetry.spans.find((s) => s.kind === SpanKind.CLIENT);
      const serverSpan = telemetry.spans.find((s) => s.kind === SpanKind.SERVER);
      expect(handlerTraceId).toBe(outer.traceId);
      expect(clientSpan).toMatchObject({ name: 'tributary.v1.Broker/ListOffsets', parentSpanId: outer.spanId, ended: true });
      expect(serverSpan).toMatchObject({ name: 'tributary.v1.Broker/ListOffsets', parentSpanId: clientSpan?.spanContext().spanId, ended: true });
      expect(serverSpan?.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'tributary.v1.Broker', 'rpc.method': 'ListOffsets' });
    } finally {
      telemetry.uninstall();
    }
  });

  it('marks the server span failed when the handler throws', async () => {
    const telemetry = installTestTelemetry();
    try {
      const { target } = await loopback.server(brokerHandlers());
      await rejectionOf(loopback.client(target).deleteRecords({ topics: [], timeoutMs: 0 }));
      expect(telemetry.spans.find((s) => s.kind === SpanKind.SERVER)?.status).toEqual({ code: 2, message: 'not in this test' });
    } finally {
      telemetry.uninstall();
    }
  });

  describe('without an SDK (metadata seen by a raw grpc-js server)', () => {
    async function capturedTraceparent(call: (client: ReturnType<typeof loopback.client>) => Promise<unknown>): Promise<unknown[]> {
      const raw = new Server();
      const seen = deferred<unknown[]>();
      raw.register(
        BrokerService.methods.apiVersions.path,
        (c: { metadata: Metadata }, callback: (e: null, v: Buffer) => void) => {
          seen.resolve(c.metadata.get('traceparent'));
          callback(null, Buffer.alloc(0));
        },
        (b: Buffer) => b,
        (b: Buffer) => b,
        'unary',
      );
      const port = await new Promise<number>((resolve, reject) => raw.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
      try {
        await call(loopback.client(`127.0.0.1:${port}`));
        return await seen.promise;
      } finally {
        raw.forceShutdown();
      }
    }
    const request = { clientSoftwareName: 'test', clientSoftwareVersion: '0' };

    it('sends no traceparent when there is no span', async () => {
      expect(await capturedTraceparent((client) => client.apiVersions(request))).toEqual([]);
    });

    it('passes a remote parent through unchanged', async () => {
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
      expect(await capturedTraceparent((client) => client.apiVersions(request, { context: parent }))).toEqual(['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']);
    });
  });
});

describe('shutdown', () => {
  const request = { topics: [], allTopics: true, allowAutoTopicCreation: false };
  const metadataResponse = { throttleTimeMs: 0, brokers: [], clusterId: 'c', controllerId: 1, topics: [] };

  it('lets an in-flight call finish, refuses new work, then resolves', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, target } = await loopback.server(
      brokerHandlers({
        metadata: async () => {
          entered.resolve();
          await release.promise;
          return metadataResponse;
        },
      }),
    );
    const client = loopback.client(target);
    const inFlight = client.metadata(request);
    await entered.promise;

    let stopped = false;
    const stopping = server.shutdown(30_000).then(() => (stopped = true));
    const late = await rejectionOf(loopback.client(target).metadata(request));
    expect(late.codeName).toBe('NETWORK_EXCEPTION');
    expect(stopped).toBe(false);

    release.resolve();
    await expect(inFlight).resolves.toEqual(metadataResponse);
    await stopping;
    expect(server.connectionCount).toBe(0);
  });

  it('cuts calls still running when the grace period ends', async () => {
    const entered = deferred();
    const aborted = deferred();
    const { server, target } = await loopback.server(
      brokerHandlers({
        metadata: (_request, call) => {
          call.signal.addEventListener('abort', () => aborted.resolve());
          entered.resolve();
          return new Promise(() => undefined);
        },
      }),
    );
    const failure = rejectionOf(loopback.client(target).metadata(request));
    await entered.promise;
    await server.shutdown(50);
    const error = await failure;
    expect(error.codeName).toBe('NETWORK_EXCEPTION');
    expect(error.retriable).toBe(true);
    await aborted.promise;
    expect(server.connectionCount).toBe(0);
  });

  it('resolves at once for a server that never started', async () => {
    const { createRpcServer } = await import('./server');
    await createRpcServer({ host: '127.0.0.1', port: 0 }).shutdown(0);
  });
});

describe('connection limit', () => {
  it('closes connections beyond maxConnections on accept', async () => {
    const { server, target } = await loopback.server(brokerHandlers({ apiVersions: () => ({ errorCode: 0, errorMessage: '', apis: [], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [] }) }), {
      maxConnections: 1,
    });
    const request = { clientSoftwareName: 'test', clientSoftwareVersion: '0' };
    await loopback.client(target).apiVersions(request);
    expect(server.connectionCount).toBe(1);
    const error = await rejectionOf(loopback.client(target).apiVersions(request, { deadlineMs: 5_000 }));
    expect(error.codeName).toBe('NETWORK_EXCEPTION');
    expect(server.connectionCount).toBe(1);
  });
});

describe('client', () => {
  it('close() fails in-flight calls as non-retriable and refuses new ones', async () => {
    const entered = deferred();
    const { target } = await loopback.server(
      brokerHandlers({
        metadata: () => {
          entered.resolve();
          return new Promise(() => undefined);
        },
      }),
    );
    const client = loopback.client(target);
    const request = { topics: [], allTopics: true, allowAutoTopicCreation: false };
    const inFlight = client.metadata(request);
    await entered.promise;
    client.close();
    const error = await rejectionOf(inFlight);
    expect(error).toMatchObject({ codeName: 'NETWORK_EXCEPTION', retriable: false });
    expect(await rejectionOf(client.metadata(request))).toMatchObject({ codeName: 'NETWORK_EXCEPTION', retriable: false });
  });

  it('rejects a request it cannot encode with INVALID_REQUEST', async () => {
    const { target } = await loopback.server(brokerHandlers());
    const error = await rejectionOf(loopback.client(target).deleteRecords({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 2 ** 53 }] }], timeoutMs: 0 }));
    expect(error.codeName).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/DeleteRecordsPartition\.offset: 9007199254740992 is not a safe integer/);
  });

  it('decodes responses with the generated codec', async () => {
    const { target } = await loopback.server(brokerHandlers({ produce: () => produceResponse(-1) }));
    const response = await loopback.client(target).produce(produceRequest(new Uint8Array(0)));
    expect(response).toEqual(decodeProduceResponse(BrokerService.methods.produce.encodeResponse(produceResponse(-1))));
  });
});
