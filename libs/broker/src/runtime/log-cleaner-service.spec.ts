import 'reflect-metadata';
import { AlterConfigOp, ConfigResourceType } from '@tributary/proto';
import { CALL, NOW_MS, type TestBroker, batch, createTopic, openTestBroker, produce, removeDir, tempDir } from '../test-support/broker-fixture';
import { BUILTIN_PLUGINS } from '@tributary/plugins-builtin';
import { PluginCatalog } from '@tributary/plugins-host';
import { type LogCleanerService, cleanupPolicyLookup, logCleanerService } from './log-cleaner-service';

let dir: string;
let broker: TestBroker;
let cleaner: LogCleanerService | undefined;

beforeEach(async () => {
  dir = tempDir();
  broker = await openTestBroker(dir, ['log.retention.check.interval.ms=60000', 'log.segment.delete.delay.ms=0'], {
    backgroundServices: (runtime) => [(cleaner = logCleanerService(runtime))],
  });
});

afterEach(async () => {
  await broker.runtime.shutdown();
  removeDir(dir);
});

const partition = (topic: string) => broker.runtime.replicaManager.getPartition({ topic, partition: 0 });

async function fill(topic: string): Promise<void> {
  for (let i = 0; i < 8; i++) expect(await produce(broker, topic, 0, batch([`value-${i}`.repeat(10)], {}, NOW_MS))).toMatchObject({ errorCode: 0 });
  expect(partition(topic)?.log.segmentCount).toBeGreaterThan(2);
}

describe('log cleaner service', () => {
  it('applies an altered retention.ms on the next pass, deleting expired segments of that topic only', async () => {
    await createTopic(broker, 'expiring', 1, { 'segment.bytes': '300' });
    await createTopic(broker, 'kept', 1, { 'segment.bytes': '300' });
    await fill('expiring');
    await fill('kept');
    broker.scheduler.advance(10 * 60_000);
    await cleaner?.runPass();
    expect(partition('expiring')?.log.logStartOffset).toBe(0);

    const altered = await broker.api.incrementalAlterConfigs(
      { resources: [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'expiring', configs: [{ name: 'retention.ms', configOperation: AlterConfigOp.SET, value: '60000' }] }], validateOnly: false },
      CALL,
    );
    expect(altered.responses[0].errorCode).toBe(0);
    const report = await cleaner?.runPass();
    const expiring = report?.partitions.find((p) => p.topic === 'expiring');
    expect(expiring?.segmentsDeleted).toBeGreaterThan(0);
    expect(partition('expiring')?.log.logStartOffset).toBeGreaterThan(0);
    expect(partition('kept')?.log.logStartOffset).toBe(0);
    expect(report?.partitions.map((p) => p.topic)).not.toContain('__cluster_metadata');
  });

  it("deletes segments older than the topic's own retention.ms", async () => {
    await createTopic(broker, 'short', 1, { 'segment.bytes': '300', 'retention.ms': '1000' });
    await fill('short');
    broker.scheduler.advance(60_000);
    await cleaner?.runPass();
    expect(partition('short')?.log.logStartOffset).toBeGreaterThan(0);
  });
});

describe('cleanupPolicyLookup', () => {
  it('finds built-in policies through the plugin registry, once per name, and nothing for unknown names', () => {
    const catalog = new PluginCatalog(BUILTIN_PLUGINS.map((definition) => ({ definition, source: { type: 'builtin' as const } })), {});
    const lookup = cleanupPolicyLookup(catalog.registry('cleanup-policy'));
    const compact = lookup('compact');
    expect(compact?.name).toBe('compact');
    expect(lookup('compact')).toBe(compact);
    expect(lookup('no-such-policy')).toBeUndefined();
  });
});
