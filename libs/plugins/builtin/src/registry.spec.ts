import { PLUGIN_API_VERSION, checkPlugin } from '@tributary/plugins-api';
import { BUILTIN_PLUGINS, builtinPluginNames, findBuiltinPlugin } from './registry';

describe('built-in registry', () => {
  it('lists every built-in under a unique kind/name, targeting this api version', () => {
    const ids = BUILTIN_PLUGINS.map((p) => `${p.kind}/${p.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      'partitioner/default',
      'partitioner/uniform-sticky',
      'partitioner/round-robin',
      'assignor/range',
      'assignor/roundrobin',
      'cleanup-policy/delete',
      'cleanup-policy/compact',
      'cleanup-policy/compact,delete',
    ]);
    for (const p of BUILTIN_PLUGINS) expect(p.apiVersion).toBe(PLUGIN_API_VERSION);
  });

  it('finds plugins by kind and name, normalizing cleanup.policy lists', () => {
    expect(findBuiltinPlugin('partitioner', 'default')?.name).toBe('default');
    expect(findBuiltinPlugin('cleanup-policy', 'delete, compact')?.name).toBe('compact,delete');
    expect(findBuiltinPlugin('assignor', 'default')).toBeUndefined();
    expect(builtinPluginNames('assignor')).toEqual(['range', 'roundrobin']);
  });

  it.each(BUILTIN_PLUGINS.map((p) => [`${p.kind}/${p.name}`, p] as const))('%s passes checkPlugin', async (_id, plugin) => {
    expect(await checkPlugin(plugin, { seed: 2024 })).toEqual([]);
  });
});
