import { installTestTelemetry, type TestTelemetry, getTracer, withSpan } from '@tributary/telemetry';
import { BrokerService } from '@tributary/proto';
import { createRpcClient, createRpcServer } from '@tributary/rpc';
import { type TestBroker, batch, createTopic, openTestBroker, removeDir, tempDir } from '../test-support/broker-fixture';

let telemetry: TestTelemetry;
let broker: TestBroker;
let dir: string;

beforeEach(async () => {
  telemetry = installTestTelemetry();
  dir = tempDir();
  broker = await openTestBroker(dir);
  await createTopic(broker, 'traced');
});

afterEach(async () => {
  await broker.runtime.shutdown();
  telemetry.uninstall();
  removeDir(dir);
});

describe('tracing over gRPC', () => {
  it("makes the broker's produce and append spans descendants of the client's send span", async () => {
    const server = createRpcServer({ host: '127.0.0.1', port: 0 });
    server.addService(BrokerService, broker.api);
    const port = await server.start();
    const client = createRpcClient(`127.0.0.1:${port}`, { service: BrokerService });
    try {
      telemetry.reset();
      await withSpan(getTracer('test-producer'), 'send', {}, () =>
        client.produce({ transactionalId: '', acks: 1, timeoutMs: 1000, topicData: [{ name: 'traced', partitionData: [{ index: 0, records: batch(['a']) }] }] }),
      );
      const byName = (name: string) => telemetry.spans.find((s) => s.name === name);
      const send = byName('send');
      const produce = byName('produce');
      const append = byName('append');
      expect([send, produce, append].map((s) => s?.name)).toEqual(['send', 'produce', 'append']);
      const traceId = send?.spanContext().traceId;
      expect(produce?.spanContext().traceId).toBe(traceId);
      expect(append?.parentSpanId).toBe(produce?.spanContext().spanId);
      const byId = new Map(telemetry.spans.map((s) => [s.spanContext().spanId, s]));
      const ancestors: string[] = [];
      for (let s = produce; s?.parentSpanId !== undefined; s = byId.get(s.parentSpanId)) ancestors.push(s.parentSpanId);
      expect(ancestors).toContain(send?.spanContext().spanId);
      expect(append?.attributes['messaging.destination.name']).toBe('traced');
    } finally {
      client.close();
      await server.shutdown(1000);
    }
  });
});
