import type { PluginDefinition, PluginInstance, PluginKind } from '../define-plugin';
import { validatePluginDefinition, validatePluginInstance } from '../define-plugin';
import type { ViolationCollector } from '../validation/violation';
import { errorMessage } from './deep';
import { createTestContext } from './test-context';

/** Options every check takes. */
export interface ConformanceOptions {
  /** Seed for generated inputs and for the plugin's PRNG (default 1). A failing seed reproduces exactly. */
  readonly seed?: number;
  /** How many generated cases to run (each check has its own default). */
  readonly cases?: number;
  /** Plugin configuration passed to `create` (and, for cleanup policies, merged into every view's topic config). */
  readonly config?: Readonly<Record<string, string>>;
}

/** Creates an instance through `create` with a seeded test context; records problems and returns undefined on failure. */
export function instantiate<K extends PluginKind>(
  plugin: PluginDefinition<K>,
  kind: K,
  options: ConformanceOptions,
  violations: ViolationCollector,
): PluginInstance<K> | undefined {
  const problems = validatePluginDefinition(plugin);
  if (problems.length > 0) {
    for (const p of problems) violations.add('definition', p);
    return undefined;
  }
  if (plugin.kind !== kind) {
    violations.add('definition', `expected a ${kind} plugin, got kind '${plugin.kind}'`);
    return undefined;
  }
  let instance: unknown;
  try {
    instance = plugin.create(createTestContext({ seed: options.seed ?? 1, config: options.config ?? {}, pluginName: plugin.name }));
  } catch (error) {
    violations.add('create', `create() threw ${errorMessage(error)}`);
    return undefined;
  }
  const instanceProblems = validatePluginInstance(kind, instance, plugin.name);
  if (instanceProblems.length > 0) {
    for (const p of instanceProblems) violations.add('instance', p);
    return undefined;
  }
  return instance as PluginInstance<K>;
}

/** True for the TypeError strict-mode code gets when it writes to a frozen input. */
export function isFrozenWriteError(error: unknown): boolean {
  return error instanceof TypeError && /read[ -]only|not extensible|Cannot add property|Cannot delete property|frozen/i.test(error.message);
}
