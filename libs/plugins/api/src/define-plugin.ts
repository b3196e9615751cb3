import type { Assignor } from './assignor';
import type { CleanupPolicy } from './cleanup-policy';
import type { PluginContext } from './context';
import type { ConsumerInterceptor, ProducerInterceptor } from './interceptors';
import type { Partitioner } from './partitioner';
import { parseApiVersion } from './api-version';

/** Every kind of plugin the SPI knows. */
export const PLUGIN_KINDS = ['partitioner', 'producer-interceptor', 'consumer-interceptor', 'assignor', 'cleanup-policy'] as const;

export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** The instance type `create` returns, per kind. */
export interface PluginInstanceByKind {
  partitioner: Partitioner;
  'producer-interceptor': ProducerInterceptor;
  'consumer-interceptor': ConsumerInterceptor;
  assignor: Assignor;
  'cleanup-policy': CleanupPolicy;
}

export type PluginInstance<K extends PluginKind = PluginKind> = PluginInstanceByKind[K];

/**
 * A plugin: metadata plus a synchronous factory. The host calls `create` once
 * per use (e.g. once per producer for a partitioner), each time with a fresh
 * context, and never shares instances between users.
 */
export interface PluginDefinition<K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** The name operators configure (e.g. `partitioner.class=my-partitioner`); unique per kind. */
  readonly name: string;
  /** The plugin's own version (semver). */
  readonly version: string;
  /** The plugin API version it was built against: `PLUGIN_API_VERSION` of the api package it compiled with. */
  readonly apiVersion: string;
  readonly description?: string;
  create(context: PluginContext): PluginInstanceByKind[K];
}

/** A definition of any kind, narrowed by `kind`. */
export type AnyPluginDefinition = { [K in PluginKind]: PluginDefinition<K> }[PluginKind];

/** Thrown by `definePlugin` when a definition is malformed; lists every problem. */
export class PluginDefinitionError extends Error {
  override readonly name = 'PluginDefinitionError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid plugin definition: ${problems.join('; ')}`);
  }
}

/**
 * Declares a plugin. Validates the definition eagerly (so a typo fails at
 * import time, not at first use) and returns it frozen.
 *
 * @throws PluginDefinitionError when a field is missing or malformed.
 */
export function definePlugin<K extends PluginKind>(definition: PluginDefinition<K>): PluginDefinition<K> {
  const problems = validatePluginDefinition(definition);
  if (problems.length > 0) throw new PluginDefinitionError(problems);
  return Object.freeze({ ...definition });
}

/** True when `kind` names a plugin kind. */
export function isPluginKind(kind: unknown): kind is PluginKind {
  return typeof kind === 'string' && (PLUGIN_KINDS as readonly string[]).includes(kind);
}

const NAME_PATTERN = /^[^\s]{1,200}$/;

/**
 * Checks that `value` has the shape of a plugin definition. Returns the
 * problems found (empty when valid); used by `definePlugin` and by the host on
 * whatever a plugin module exports, since that may not come from `definePlugin`.
 */
export function validatePluginDefinition(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [`expected an object, got ${describe(value)}`];
  const def = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!isPluginKind(def['kind'])) problems.push(`kind must be one of ${PLUGIN_KINDS.join(', ')}; got ${describe(def['kind'])}`);
  if (typeof def['name'] !== 'string' || !NAME_PATTERN.test(def['name'])) {
    problems.push(`name must be a non-empty string without whitespace (at most 200 characters); got ${describe(def['name'])}`);
  }
  if (typeof def['version'] !== 'string' || !parseApiVersion(def['version'])) {
    problems.push(`version must be a semver string like '1.2.3'; got ${describe(def['version'])}`);
  }
  if (typeof def['apiVersion'] !== 'string' || !parseApiVersion(def['apiVersion'])) {
    problems.push(`apiVersion must be a semver string like '1.0.0' (PLUGIN_API_VERSION); got ${describe(def['apiVersion'])}`);
  }
  if (def['description'] !== undefined && typeof def['description'] !== 'string') problems.push('description must be a string when given');
  if (typeof def['create'] !== 'function') problems.push(`create must be a function (context) => instance; got ${describe(def['create'])}`);
  return problems;
}

const REQUIRED_METHODS: Record<PluginKind, readonly string[]> = {
  partitioner: ['partition'],
  'producer-interceptor': ['onSend'],
  'consumer-interceptor': ['onConsume'],
  assignor: ['assign'],
  'cleanup-policy': ['plan'],
};

const OPTIONAL_METHODS: Record<PluginKind, readonly string[]> = {
  partitioner: ['onNewBatch', 'close'],
  'producer-interceptor': ['onAcknowledgement', 'close'],
  'consumer-interceptor': ['onCommit', 'close'],
  assignor: ['close'],
  'cleanup-policy': ['close'],
};

/**
 * Checks that an instance returned by `create` implements its kind's
 * interface (required methods present, optional ones functions when given;
 * assignors and cleanup policies carry a `name` equal to the plugin's).
 */
export function validatePluginInstance(kind: PluginKind, instance: unknown, pluginName?: string): string[] {
  if (typeof instance !== 'object' || instance === null) return [`create() must return an object; got ${describe(instance)}`];
  const obj = instance as Record<string, unknown>;
  const problems: string[] = [];
  for (const method of REQUIRED_METHODS[kind]) {
    if (typeof obj[method] !== 'function') problems.push(`a ${kind} must have a ${method}() method; got ${describe(obj[method])}`);
  }
  for (const method of OPTIONAL_METHODS[kind]) {
    if (obj[method] !== undefined && typeof obj[method] !== 'function') problems.push(`${method} must be a function when present`);
  }
  if (kind === 'assignor' || kind === 'cleanup-policy') {
    if (typeof obj['name'] !== 'string' || obj['name'].length === 0) problems.push(`a ${kind} must have a non-empty name`);
    else if (pluginName !== undefined && obj['name'] !== pluginName) {
      problems.push(`the ${kind}'s name '${obj['name']}' must equal the plugin name '${pluginName}'`);
    }
  }
  return problems;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return typeof value;
}
