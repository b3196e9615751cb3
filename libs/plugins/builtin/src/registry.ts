import { type AnyPluginDefinition, type PluginDefinition, type PluginKind, normalizeCleanupPolicyName } from '@tributary/plugins-api';
import { rangeAssignorPlugin } from './assignors/range-assignor';
import { roundRobinAssignorPlugin } from './assignors/round-robin-assignor';
import { compactCleanupPolicyPlugin, compactDeleteCleanupPolicyPlugin, deleteCleanupPolicyPlugin } from './cleanup/cleanup-policies';
import { defaultPartitionerPlugin, uniformStickyPartitionerPlugin } from './partitioners/default-partitioner';
import { roundRobinPartitionerPlugin } from './partitioners/round-robin-partitioner';

/** Every built-in plugin, in a stable order. */
export const BUILTIN_PLUGINS: readonly AnyPluginDefinition[] = Object.freeze([
  defaultPartitionerPlugin,
  uniformStickyPartitionerPlugin,
  roundRobinPartitionerPlugin,
  rangeAssignorPlugin,
  roundRobinAssignorPlugin,
  deleteCleanupPolicyPlugin,
  compactCleanupPolicyPlugin,
  compactDeleteCleanupPolicyPlugin,
]);

/**
 * The built-in plugin of `kind` called `name`, or undefined. Cleanup policy
 * names are normalized first, so 'delete,compact' finds 'compact,delete'.
 */
export function findBuiltinPlugin<K extends PluginKind>(kind: K, name: string): PluginDefinition<K> | undefined {
  const wanted = kind === 'cleanup-policy' ? normalizeCleanupPolicyName(name) : name;
  return BUILTIN_PLUGINS.find((p) => p.kind === kind && p.name === wanted) as PluginDefinition<K> | undefined;
}

/** Names of the built-in plugins of `kind`. */
export function builtinPluginNames(kind: PluginKind): string[] {
  return BUILTIN_PLUGINS.filter((p) => p.kind === kind).map((p) => p.name);
}
