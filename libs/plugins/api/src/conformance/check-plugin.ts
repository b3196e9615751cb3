import { checkApiCompatibility, PLUGIN_API_VERSION } from '../api-version';
import { type AnyPluginDefinition, type PluginDefinition, validatePluginDefinition } from '../define-plugin';
import type { ConformanceViolation } from '../validation/violation';
import { checkAssignor } from './check-assignor';
import { checkCleanupPolicy } from './check-cleanup-policy';
import { checkInterceptor } from './check-interceptor';
import { checkPartitioner, type PartitionerConformanceOptions } from './check-partitioner';

/**
 * Runs every conformance check that applies to a plugin of any kind: the
 * definition's shape, `apiVersion` compatibility with this api package
 * (`api-version`), then the kind's own check. Resolves to the violations;
 * an empty list means the plugin conforms.
 *
 * ```ts
 * expect(await checkPlugin(myPlugin, { seed: 42 })).toEqual([]);
 * ```
 */
export async function checkPlugin(plugin: AnyPluginDefinition | PluginDefinition, options: PartitionerConformanceOptions = {}): Promise<ConformanceViolation[]> {
  const problems = validatePluginDefinition(plugin);
  if (problems.length > 0) return problems.map((message) => ({ rule: 'definition', message }));
  const compatibility = checkApiCompatibility(plugin.apiVersion, PLUGIN_API_VERSION);
  const head: ConformanceViolation[] = compatibility.compatible ? [] : [{ rule: 'api-version', message: `plugin '${plugin.name}': ${compatibility.reason}` }];
  const def = plugin as AnyPluginDefinition;
  switch (def.kind) {
    case 'partitioner':
      return [...head, ...checkPartitioner(def, options)];
    case 'producer-interceptor':
    case 'consumer-interceptor':
      return [...head, ...(await checkInterceptor(def, options))];
    case 'assignor':
      return [...head, ...checkAssignor(def, options)];
    case 'cleanup-policy':
      return [...head, ...checkCleanupPolicy(def, options)];
  }
}
