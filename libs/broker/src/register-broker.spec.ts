import 'reflect-metadata';
import { resolveToken } from '@tributary/plugins-host';
import { container } from 'tsyringe';
import { BROKER_RUNTIME, BROKER_SERVICE_HANDLERS, registerBroker } from './register-broker';
import { CALL, openTestBroker, removeDir, tempDir } from './test-support/broker-fixture';

describe('registerBroker', () => {
  it('registers the runtime and the service handlers (built once) under typed tokens', async () => {
    const dir = tempDir();
    const broker = await openTestBroker(dir);
    const child = container.createChildContainer();
    try {
      registerBroker(child, broker.runtime);
      expect(resolveToken(child, BROKER_RUNTIME)).toBe(broker.runtime);
      const handlers = resolveToken(child, BROKER_SERVICE_HANDLERS);
      expect(resolveToken(child, BROKER_SERVICE_HANDLERS)).toBe(handlers);
      const md = await handlers.metadata({ topics: [], allTopics: true, allowAutoTopicCreation: false }, CALL);
      expect(md.brokers.map((b) => b.nodeId)).toEqual([1]);
    } finally {
      await broker.runtime.shutdown();
      removeDir(dir);
    }
  });
});
