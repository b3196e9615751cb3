import { PLUGIN_API_VERSION } from './api-version';
import { normalizeCleanupPolicyName } from './cleanup-policy-name';
import { PluginDefinitionError, definePlugin, validatePluginDefinition, validatePluginInstance } from './define-plugin';

describe('definePlugin', () => {
  it('returns the frozen definition with its create typed by kind', () => {
    const plugin = definePlugin({
      kind: 'partitioner',
      name: 'first',
      version: '0.1.0',
      apiVersion: PLUGIN_API_VERSION,
      create: () => ({ partition: (_record, cluster) => cluster.partitionCount - 1 }),
    });
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(plugin.kind).toBe('partitioner');
  });

  it('lists every problem of a malformed definition', () => {
    const bad = { kind: 'serializer', name: 'has space', version: 'x', apiVersion: 1, create: 'nope' };
    expect(() => definePlugin(bad as never)).toThrow(PluginDefinitionError);
    expect(validatePluginDefinition(bad)).toEqual([
      expect.stringMatching(/^kind must be one of partitioner, /),
      expect.stringMatching(/^name must be a non-empty string/),
      expect.stringMatching(/^version must be a semver/),
      expect.stringMatching(/^apiVersion must be a semver/),
      expect.stringMatching(/^create must be a function/),
    ]);
    expect(validatePluginDefinition(null)).toEqual(['expected an object, got null']);
  });
});

describe('validatePluginInstance', () => {
  it('requires the methods of the kind and a matching name for assignors and cleanup policies', () => {
    expect(validatePluginInstance('partitioner', { partition: () => 0 })).toEqual([]);
    expect(validatePluginInstance('partitioner', { partition: 1, onNewBatch: 'x' })).toEqual([
      'a partitioner must have a partition() method; got number',
      'onNewBatch must be a function when present',
    ]);
    expect(validatePluginInstance('assignor', { name: 'other', assign: () => ({}) }, 'range')).toEqual([
      "the assignor's name 'other' must equal the plugin name 'range'",
    ]);
    expect(validatePluginInstance('cleanup-policy', undefined)).toEqual(['create() must return an object; got undefined']);
  });
});

describe('normalizeCleanupPolicyName', () => {
  it('sorts, trims and de-duplicates the list', () => {
    expect(normalizeCleanupPolicyName('delete')).toBe('delete');
    expect(normalizeCleanupPolicyName('delete, compact')).toBe('compact,delete');
    expect(normalizeCleanupPolicyName(['compact', 'delete', 'compact'])).toBe('compact,delete');
  });
});
