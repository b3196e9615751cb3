import type { CleanupPolicy, PluginContext } from '@tributary/plugins-api';
import { findBuiltinPlugin } from '@tributary/plugins-builtin';
import { type Clock, createPrng } from '@tributary/util';
import type { StorageLogger } from '../log/logger';

/**
 * A `policyFor` lookup over the built-in cleanup policies (`delete`,
 * `compact`, `compact,delete`), each created once with a plugin context on
 * the given clock and logger. Brokers that load plugins pass their own lookup
 * (built-ins plus plugins by name) to the CleanupManager instead.
 */
export function builtinCleanupPolicies(clock: Pick<Clock, 'nowMs'>, logger: StorageLogger): (name: string) => CleanupPolicy | undefined {
  const created = new Map<string, CleanupPolicy>();
  return (name) => {
    const cached = created.get(name);
    if (cached) return cached;
    const definition = findBuiltinPlugin('cleanup-policy', name);
    if (!definition) return undefined;
    const context: PluginContext = {
      pluginName: definition.name,
      config: {},
      logger: { debug: () => undefined, info: (m, f) => logger.info(m, f), warn: (m, f) => logger.warn(m, f), error: (m, f) => logger.error(m, f) },
      clock: { nowMs: () => clock.nowMs() },
      prng: createPrng(0),
    };
    const policy = definition.create(context);
    created.set(name, policy);
    return policy;
  };
}
