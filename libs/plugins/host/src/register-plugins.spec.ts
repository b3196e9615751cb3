import 'reflect-metadata';
import { createRecordingTracer } from '@tributary/telemetry';
import { PLUGIN_API_VERSION, checkPlugin, definePlugin } from '@tributary/plugins-api';
import { FakeScheduler } from '@tributary/util';
import { container as rootContainer } from 'tsyringe';
import { createToken, resolveToken } from './create-token';
import { PluginError } from './plugin-error';
import { loadAndRegisterPlugins, registerPlugins } from './register-plugins';
import { LOADED_PLUGINS, PLUGIN_CATALOG, PLUGIN_REGISTRIES, pluginToken } from './tokens';
import { FIXTURE_PACKAGE_NAME, installFixture, makeTempDir, removeTempDirs } from './test-support/plugin-packages';

afterAll(removeTempDirs);

const quiet = { logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }, tracer: createRecordingTracer() };

describe('registerPlugins', () => {
  it('registers built-ins and given plugins in a child container under typed tokens, leaving the parent untouched', () => {
    const parent = rootContainer.createChildContainer();
    const custom = definePlugin({ kind: 'partitioner', name: 'zero', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, create: () => ({ partition: () => 0 }) });
    const child = registerPlugins(parent, [custom], quiet);
    expect(child).not.toBe(parent);
    expect(parent.isRegistered(PLUGIN_CATALOG)).toBe(false);

    const catalog = resolveToken(child, PLUGIN_CATALOG);
    expect(catalog.list().map((d) => `${d.kind}/${d.name}/${d.source.type}`)).toEqual([
      'partitioner/default/builtin',
      'partitioner/uniform-sticky/builtin',
      'partitioner/round-robin/builtin',
      'partitioner/zero/inline',
      'assignor/range/builtin',
      'assignor/roundrobin/builtin',
      'cleanup-policy/delete/builtin',
      'cleanup-policy/compact/builtin',
      'cleanup-policy/compact,delete/builtin',
    ]);
    expect(resolveToken(child, PLUGIN_CATALOG)).toBe(catalog);
    expect(resolveToken(child, PLUGIN_REGISTRIES.partitioner).names()).toContain('zero');
    const zero = resolveToken(child, pluginToken('partitioner', 'zero'));
    expect(zero.create().partition({ topic: 't', key: null, value: null, headers: [] }, { partitionCount: 4, availablePartitions: [] })).toBe(0);
    expect(resolveToken(child, LOADED_PLUGINS)).toHaveLength(9);
    // Cleanup policy lists select the canonical policy.
    expect(catalog.createCleanupPolicy(['delete', 'compact']).name).toBe('compact,delete');
  });

  it('can leave the built-ins out, and rejects duplicate names at registration', () => {
    const child = registerPlugins(rootContainer, [], { ...quiet, builtins: false });
    expect(resolveToken(child, PLUGIN_CATALOG).list()).toEqual([]);
    const clash = definePlugin({ kind: 'assignor', name: 'range', version: '9.0.0', apiVersion: PLUGIN_API_VERSION, create: () => ({ name: 'range', assign: () => ({}) }) });
    expect(() => registerPlugins(rootContainer, [clash], quiet)).toThrow(new PluginError('duplicate', "two assignor plugins are named 'range': builtin and inline"));
  });

  it('loads the fixture package by name and registers it: an app composition root in miniature', async () => {
    const base = makeTempDir();
    installFixture(base);
    const child = await loadAndRegisterPlugins(rootContainer, [FIXTURE_PACKAGE_NAME], { ...quiet, baseDir: base, scheduler: new FakeScheduler(), seed: 1 });
    const catalog = resolveToken(child, PLUGIN_CATALOG);
    const partitioner = catalog.createPartitioner('fixture-hash', { 'fixture.salt': '1' });
    expect(partitioner.partition({ topic: 't', key: new Uint8Array([2, 3]), value: null, headers: [] }, { partitionCount: 4, availablePartitions: [] })).toBe(2);
    const sent = await catalog.createProducerInterceptors(['fixture-tagger'], { 'fixture.tag': 'hi' }).onSend({ topic: 't', key: null, value: null, headers: [] });
    expect(sent.headers).toEqual([{ key: 'x-fixture', value: new TextEncoder().encode('hi') }]);
    const factory = resolveToken(child, pluginToken('partitioner', 'fixture-hash'));
    expect(factory.descriptor).toMatchObject({ version: '1.2.3', source: { type: 'package', packageName: FIXTURE_PACKAGE_NAME } });
  });

  it('the fixture plugins pass the conformance kit', async () => {
    const base = makeTempDir();
    installFixture(base);
    const child = await loadAndRegisterPlugins(rootContainer, [FIXTURE_PACKAGE_NAME], { ...quiet, baseDir: base, builtins: false });
    for (const plugin of resolveToken(child, LOADED_PLUGINS)) expect(await checkPlugin(plugin.definition, { seed: 5 })).toEqual([]);
  });
});

describe('createToken', () => {
  it('makes unique typed symbols', () => {
    const a = createToken<number>('n');
    const b = createToken<number>('n');
    expect(a).not.toBe(b);
    expect(a.toString()).toBe('Symbol(n)');
    const child = rootContainer.createChildContainer();
    child.register(a, { useValue: 42 });
    const n: number = resolveToken(child, a);
    expect(n).toBe(42);
  });
});
