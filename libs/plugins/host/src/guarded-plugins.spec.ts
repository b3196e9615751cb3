import 'reflect-metadata';
import { type AnyPluginDefinition, type PluginKind, PLUGIN_API_VERSION, type SegmentView, definePlugin } from '@tributary/plugins-api';
import { createTestContext } from '@tributary/plugins-api';
import { FakeScheduler } from '@tributary/util';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { createRecordingTracer, installTestTelemetry } from '@tributary/telemetry';
import { PluginCatalog } from './plugin-catalog';
import { PluginError } from './plugin-error';

const meta = { version: '2.0.0', apiVersion: PLUGIN_API_VERSION } as const;
const record = { topic: 't', key: new Uint8Array([1]), value: null, headers: [] };

function setup(plugins: AnyPluginDefinition[], hookTimeoutMs = 1000) {
  const scheduler = new FakeScheduler(1_000);
  const tracer = createRecordingTracer();
  const log = createTestContext();
  const catalog = new PluginCatalog(
    plugins.map((definition) => ({ definition, source: { type: 'inline' } as const })),
    { scheduler, tracer, logger: log.logger, hookTimeoutMs, seed: 7 },
  );
  return { scheduler, tracer, entries: log.entries, catalog };
}

function thrownBy(fn: () => unknown): PluginError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError);
    return error as PluginError;
  }
  throw new Error('expected a throw');
}

describe('partitioner calls (fail-closed)', () => {
  const boom = new TypeError('bad key');
  const plugins = [
    definePlugin({ kind: 'partitioner', name: 'throws', ...meta, create: () => ({ partition: () => { throw boom; } }) }),
    definePlugin({ kind: 'partitioner', name: 'too-big', ...meta, create: () => ({ partition: () => 99 }) }),
    definePlugin({
      kind: 'partitioner',
      name: 'fine',
      ...meta,
      create: () => ({ partition: () => 1, onNewBatch: () => { throw new Error('batch hook broke'); } }),
    }),
  ];

  it('turns a throw into a PluginError naming the plugin and hook, keeping the cause, and marks the span', () => {
    const { catalog, tracer } = setup(plugins);
    const error = thrownBy(() => catalog.createPartitioner('throws').partition(record, { partitionCount: 3, availablePartitions: [0, 1, 2] }));
    expect(error).toMatchObject({ codeName: 'UNKNOWN_SERVER_ERROR', retriable: false, failure: 'threw', pluginName: 'throws', pluginKind: 'partitioner', hook: 'partition' });
    expect(error.cause).toBe(boom);
    expect(error.message).toBe("partitioner plugin 'throws': partition() threw TypeError: bad key");
    const span = tracer.spans.find((s) => s.name === 'plugin partitioner.partition');
    expect(span?.attributes).toEqual({
      'tributary.plugin.kind': 'partitioner',
      'tributary.plugin.name': 'throws',
      'tributary.plugin.version': '2.0.0',
      'tributary.plugin.hook': 'partition',
    });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span?.events).toEqual([{ name: 'exception', attributes: { 'exception.message': error.message } }]);
    expect(span?.ended).toBe(true);
  });

  it('rejects an out-of-range partition', () => {
    const { catalog } = setup(plugins);
    const error = thrownBy(() => catalog.createPartitioner('too-big').partition(record, { partitionCount: 3, availablePartitions: [] }));
    expect(error.failure).toBe('invalid-result');
    expect(error.message).toBe("partitioner plugin 'too-big': partition() returned 99, not a partition in [0, 3)");
  });

  it('logs and ignores onNewBatch failures (fail-open)', () => {
    const { catalog, entries, tracer } = setup(plugins);
    const partitioner = catalog.createPartitioner('fine');
    expect(partitioner.partition(record, { partitionCount: 3, availablePartitions: [] })).toBe(1);
    expect(() => partitioner.onNewBatch('t', { partitionCount: 3, availablePartitions: [] }, 1)).not.toThrow();
    expect(entries).toEqual([
      {
        level: 'warn',
        message: 'plugin onNewBatch() failed; continuing without it (fail-open)',
        fields: { pluginKind: 'partitioner', pluginName: 'fine', hook: 'onNewBatch', error: "partitioner plugin 'fine': onNewBatch() threw Error: batch hook broke", code: 'UNKNOWN_SERVER_ERROR' },
      },
    ]);
    expect(tracer.spans.map((s) => [s.name, s.status.code])).toEqual([
      ['plugin partitioner.create', SpanStatusCode.UNSET],
      ['plugin partitioner.partition', SpanStatusCode.UNSET],
      ['plugin partitioner.onNewBatch', SpanStatusCode.ERROR],
    ]);
  });
});

describe('interceptor calls (fail-open, bounded)', () => {
  let settleLate: (() => void) | undefined;
  const plugins = [
    definePlugin({
      kind: 'producer-interceptor',
      name: 'hangs',
      ...meta,
      create: () => ({
        onSend: (r) =>
          new Promise((resolve) => {
            settleLate = () => resolve({ ...r, topic: 'late' });
          }),
      }),
    }),
    definePlugin({ kind: 'producer-interceptor', name: 'rejects', ...meta, create: () => ({ onSend: () => Promise.reject(new Error('nope')), onAcknowledgement: () => { throw new Error('ack'); } }) }),
    definePlugin({ kind: 'producer-interceptor', name: 'garbage', ...meta, create: () => ({ onSend: () => 42 as never }) }),
    definePlugin({
      kind: 'producer-interceptor',
      name: 'tag',
      ...meta,
      create: () => ({ onSend: async (r) => ({ ...r, headers: [...r.headers, { key: 'tag', value: null }] }) }),
    }),
    definePlugin({ kind: 'consumer-interceptor', name: 'hangs', ...meta, create: () => ({ onConsume: () => new Promise<never>(() => undefined), onCommit: () => new Promise<void>(() => undefined) }) }),
  ];

  it('times out a hung onSend after hookTimeoutMs and sends the record unmodified', async () => {
    const { catalog, scheduler, entries, tracer } = setup(plugins, 250);
    const chain = catalog.createProducerInterceptors(['hangs', 'tag']);
    let result: unknown;
    const pending = chain.onSend(record).then((r) => (result = r));
    scheduler.advance(249);
    await Promise.resolve();
    expect(result).toBeUndefined();
    scheduler.advance(1);
    await pending;
    // 'hangs' timed out, so 'tag' saw (and tagged) the original record.
    expect(result).toEqual({ ...record, headers: [{ key: 'tag', value: null }] });
    expect(entries[0]).toMatchObject({ level: 'warn', fields: { hook: 'onSend', code: 'REQUEST_TIMED_OUT', error: "producer-interceptor plugin 'hangs': onSend() did not settle within 250 ms" } });
    const span = tracer.spans.find((s) => s.name === 'plugin producer-interceptor.onSend');
    expect(span?.attributes['tributary.plugin.timeout_ms']).toBe(250);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    // Settling after the deadline changes nothing and raises nothing.
    settleLate?.();
    await Promise.resolve();
    expect(scheduler.pendingCount).toBe(0);
  });

  it('sends the record unmodified when onSend rejects or returns something that is not a record', async () => {
    const { catalog, entries } = setup(plugins);
    expect(await catalog.createProducerInterceptors(['rejects']).onSend(record)).toBe(record);
    expect(await catalog.createProducerInterceptors(['garbage']).onSend(record)).toBe(record);
    expect(entries.map((e) => e.fields?.['error'])).toEqual([
      "producer-interceptor plugin 'rejects': onSend() threw Error: nope",
      "producer-interceptor plugin 'garbage': onSend() returned onSend must return a record object",
    ]);
  });

  it('swallows onAcknowledgement failures and consumer hook timeouts', async () => {
    const { catalog, scheduler, entries } = setup(plugins, 100);
    await expect(catalog.createProducerInterceptors(['rejects']).onAcknowledgement(null, new Error('send failed'))).resolves.toBeUndefined();
    const consumer = catalog.createConsumerInterceptors(['hangs']);
    const records = [{ topic: 't', partition: 0, offset: 5, timestampMs: 1, key: null, value: null, headers: [] }];
    const consumed = consumer.onConsume(records);
    const committed = consumer.onCommit([{ topic: 't', partition: 0, offset: 6 }]);
    scheduler.advance(100);
    expect(await consumed).toBe(records);
    await expect(committed).resolves.toBeUndefined();
    expect(entries.map((e) => e.fields?.['code'])).toEqual(['UNKNOWN_SERVER_ERROR', 'REQUEST_TIMED_OUT', 'REQUEST_TIMED_OUT']);
  });
});

describe('assignor and cleanup policy calls (fail-closed on invalid output)', () => {
  const activeOnly: SegmentView[] = [
    { baseOffset: 0, nextOffset: 10, sizeBytes: 100, largestTimestampMs: 1, lastModifiedMs: 1, isActive: false },
    { baseOffset: 10, nextOffset: 20, sizeBytes: 100, largestTimestampMs: 1, lastModifiedMs: 1, isActive: true },
  ];
  const plugins = [
    definePlugin({ kind: 'assignor', name: 'lazy', ...meta, create: () => ({ name: 'lazy', assign: () => ({}) }) }),
    definePlugin({
      kind: 'cleanup-policy',
      name: 'reckless',
      ...meta,
      create: () => ({ name: 'reckless', plan: () => ({ actions: [{ kind: 'delete-segments' as const, baseOffsets: [10], reason: 'custom' as const }] }) }),
    }),
  ];

  it('refuses an assignment that leaves members or partitions out', () => {
    const { catalog } = setup(plugins);
    const error = thrownBy(() => catalog.createAssignor('lazy').assign({ members: [{ memberId: 'm', subscription: ['t'] }], partitionsPerTopic: { t: 1 } }));
    expect(error.failure).toBe('invalid-result');
    expect(error.message).toMatch(/^assignor plugin 'lazy': assign\(\) returned an invalid assignment \(members: member 'm' has no assignment list/);
  });

  it('refuses a plan that deletes the active segment', () => {
    const { catalog } = setup(plugins);
    const view = { topic: 't', partition: 0, segments: activeOnly, logStartOffset: 0, cleanedUpToOffset: 0, dirtyRatio: 0, firstDirtyTimestampMs: -1, config: {}, nowMs: 5 };
    const error = thrownBy(() => catalog.createCleanupPolicy('reckless').plan(view));
    expect(error.message).toBe("cleanup-policy plugin 'reckless': plan() returned an invalid plan (active-segment: delete-segments deletes the active segment 10)");
    expect(error.codeName).toBe('UNKNOWN_SERVER_ERROR');
  });
});

describe('plugin creation', () => {
  const seen: unknown[] = [];
  const plugins: AnyPluginDefinition[] = [
    definePlugin({
      kind: 'partitioner',
      name: 'ctx',
      ...meta,
      create: (context) => {
        seen.push({ config: context.config, now: context.clock.nowMs(), draws: [context.prng.next(), context.prng.next()] });
        context.logger.info('hello');
        return { partition: () => 0 };
      },
    }),
    definePlugin({ kind: 'partitioner', name: 'create-throws', ...meta, create: () => { throw new Error('no config'); } }),
    { kind: 'assignor', name: 'misnamed', ...meta, create: () => ({ name: 'other', assign: () => ({}) }) },
  ];

  it('gives each instance its config, the host clock, a tagged logger and its own seeded PRNG', () => {
    const { catalog, entries } = setup(plugins);
    catalog.createPartitioner('ctx', { a: '1' });
    catalog.createPartitioner('ctx');
    const again = setup(plugins);
    again.catalog.createPartitioner('ctx', { a: '1' });
    const [first, second, replay] = seen as { config: unknown; now: number; draws: number[] }[];
    expect(first.config).toEqual({ a: '1' });
    expect(first.now).toBe(1_000);
    expect(second.draws).not.toEqual(first.draws);
    expect(replay.draws).toEqual(first.draws);
    expect(entries[0]).toEqual({ level: 'info', message: 'hello', fields: { pluginKind: 'partitioner', pluginName: 'ctx' } });
  });

  it('fails closed when create throws or returns a malformed instance', () => {
    const { catalog } = setup(plugins);
    expect(thrownBy(() => catalog.createPartitioner('create-throws'))).toMatchObject({ failure: 'threw', hook: 'create', message: "partitioner plugin 'create-throws': create() threw Error: no config" });
    const misnamed = thrownBy(() => catalog.createAssignor('misnamed'));
    expect(misnamed).toMatchObject({ failure: 'invalid', codeName: 'INVALID_CONFIG' });
    expect(misnamed.message).toBe("assignor plugin 'misnamed': create() returned a malformed assignor: the assignor's name 'other' must equal the plugin name 'misnamed'");
  });

  it('names the known plugins when asked for an unknown one', () => {
    const { catalog } = setup(plugins);
    const kinds: PluginKind[] = ['partitioner'];
    expect(thrownBy(() => catalog.registry(kinds[0]).get('nope')).message).toBe("no partitioner plugin named 'nope'; registered: ctx, create-throws");
  });
});

describe('default tracer', () => {
  it("uses @tributary/telemetry's tracer for '@tributary/plugins-host', with plugin spans as children", () => {
    const telemetry = installTestTelemetry();
    try {
      const traced = definePlugin({
        kind: 'partitioner',
        name: 'traced',
        ...meta,
        create: () => ({
          partition: () => {
            trace.getTracer('plugin-author').startSpan('inner').end();
            return 0;
          },
        }),
      });
      const catalog = new PluginCatalog([{ definition: traced, source: { type: 'inline' } }], { logger: createTestContext().logger });
      catalog.createPartitioner('traced').partition(record, { partitionCount: 1, availablePartitions: [0] });
      const outer = telemetry.spans.find((s) => s.name === 'plugin partitioner.partition');
      const inner = telemetry.spans.find((s) => s.name === 'inner');
      expect(outer?.attributes['tributary.plugin.name']).toBe('traced');
      expect(inner?.parentSpanId).toBe(outer?.spanContext().spanId);
    } finally {
      telemetry.uninstall();
    }
  });
});
