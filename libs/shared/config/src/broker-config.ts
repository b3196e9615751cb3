import { readFileSync } from 'node:fs';
import type { BrokerNameOf, BrokerValuesOf, CatalogSpecs, PropertyCatalog, PropertyDef, ValueOfSpec } from './catalog';
import { type ConfigProblem, InvalidConfigError, throwIfProblems } from './config-error';
import { type ConfigEntry, brokerSynonyms, configEntry } from './describe';
import { PROPERTIES, type PropertySpecs } from './properties';
import { parseProperties } from './properties-format';
import { type RawSettings, type ResolvedEntry, collectSettings, resolveBrokerSettings, unknownProblem } from './resolve';
import { ENV_PREFIX, type ConfigSourceName, type Layer, type RawEntry, envVarName, parseArgs, propertyNameFromEnv } from './sources';

/** A broker property name, e.g. `'log.retention.ms'`. */
export type BrokerPropertyName = BrokerNameOf<PropertySpecs>;
/** The type of a broker property's value, by name. */
export type BrokerValue<K extends BrokerPropertyName> = ValueOfSpec<PropertySpecs[K]>;
/** Every broker value by camelCase field, units last: `logRetentionMs`, `logDirs`, `nodeId`. */
export type BrokerConfigValues = BrokerValuesOf<PropertySpecs>;

/** Dynamic updates apply to all brokers (`cluster-wide`) or to this one (`per-broker`, higher precedence). */
export type DynamicUpdateLevel = 'cluster-wide' | 'per-broker';

/** Lookups of a resolved configuration of catalog C (BrokerConfig for the broker catalog). */
export interface ConfigView<C extends CatalogSpecs> {
  /** A value by Kafka name, typed by the name. Values with a fallback are effective values (`log.retention.ms` from hours when unset). */
  get<K extends BrokerNameOf<C>>(name: K): ValueOfSpec<C[K]>;
  /** Where the value of `name` came from. */
  source(name: BrokerNameOf<C>): ConfigSourceName;
  /** DescribeConfigs rows for the given names (all broker properties when omitted), with synonyms. */
  describe(names?: readonly string[]): readonly ConfigEntry[];
  /**
   * A new config with dynamic updates applied (`null` removes a dynamic value).
   * Only properties whose update mode allows it may change; others are
   * INVALID_CONFIG errors. Dynamic values take precedence over static ones,
   * per-broker over cluster-wide.
   */
  withDynamicUpdates(updates: Readonly<Record<string, string | null>>, level?: DynamicUpdateLevel): Config<C>;
}

/** A validated, immutable configuration of catalog C: typed camelCase fields plus lookups by Kafka name. */
export type Config<C extends CatalogSpecs> = BrokerValuesOf<C> & ConfigView<C>;

/** The broker configuration. */
export type BrokerConfig = Config<PropertySpecs>;

/** What `parseBrokerConfig` reads. */
export interface BrokerConfigInput {
  /** Command-line arguments: `--config FILE`, `--override key=value` (repeatable). */
  readonly argv?: readonly string[];
  /** Environment; only `TRIBUTARY_*` variables are read, and each must name a property. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Properties text to use instead of reading the `--config` file. */
  readonly fileText?: string;
  /** Name of the file in messages; defaults to the `--config` path. */
  readonly fileName?: string;
  /** How to read the `--config` file; defaults to reading UTF-8 from disk. */
  readonly readFile?: (path: string) => string;
}

interface BrokerState {
  readonly catalog: PropertyCatalog;
  readonly staticLayers: readonly Layer[];
  readonly dynamic: Readonly<Record<DynamicUpdateLevel, Readonly<Record<string, string>>>>;
  readonly settings: RawSettings;
  readonly resolved: ReadonlyMap<string, ResolvedEntry>;
}

const STATES = new WeakMap<object, BrokerState>();

/** Internal: the resolution state behind a BrokerConfig (topic resolution and describe need it). */
export function brokerState(config: object): BrokerState {
  const state = STATES.get(config);
  if (state === undefined) throw new TypeError('not a BrokerConfig made by parseBrokerConfig');
  return state;
}

class ConfigImpl<C extends CatalogSpecs> implements ConfigView<C> {
  constructor(state: BrokerState) {
    STATES.set(this, state);
    for (const def of state.catalog.brokerDefs()) {
      Object.defineProperty(this, def.brokerField as string, { value: state.resolved.get(def.brokerName as string)?.value, enumerable: true });
    }
    Object.freeze(this);
  }

  get<K extends BrokerNameOf<C>>(name: K): ValueOfSpec<C[K]> {
    return this.entry(name).value as ValueOfSpec<C[K]>;
  }

  source(name: BrokerNameOf<C>): ConfigSourceName {
    return this.entry(name).source;
  }

  describe(names?: readonly string[]): readonly ConfigEntry[] {
    const { catalog, settings } = brokerState(this);
    const defs = names === undefined ? catalog.brokerDefs() : names.map((name) => this.def(name));
    return defs.map((def) => {
      const name = def.brokerName as string;
      return configEntry(def, name, this.entry(name), def.updateMode === 'read-only', brokerSynonyms(catalog, def, settings));
    });
  }

  withDynamicUpdates(updates: Readonly<Record<string, string | null>>, level: DynamicUpdateLevel = 'cluster-wide'): Config<C> {
    const state = brokerState(this);
    const problems: ConfigProblem[] = [];
    const next = { ...state.dynamic[level] };
    for (const [name, value] of Object.entries(updates)) {
      const def = state.catalog.brokerDef(name);
      if (def === undefined) problems.push(unknownProblem(name, state.catalog.suggestBroker(name), 'property', `${level} update`));
      else if (def.updateMode === 'read-only') problems.push({ name, message: `property '${name}' is read-only: change it in the static configuration and restart` });
      else if (level === 'cluster-wide' && def.updateMode === 'per-broker') problems.push({ name, message: `property '${name}' can only be updated per broker, not cluster-wide` });
      else if (value === null) delete next[name];
      else next[name] = value;
    }
    throwIfProblems(problems);
    return buildConfig(state.catalog as PropertyCatalog<C>, state.staticLayers, { ...state.dynamic, [level]: next });
  }

  private def(name: string): PropertyDef {
    const { catalog } = brokerState(this);
    const def = catalog.brokerDef(name);
    if (def === undefined) throw new InvalidConfigError([unknownProblem(name, catalog.suggestBroker(name), 'property')]);
    return def;
  }

  private entry(name: string): ResolvedEntry {
    this.def(name);
    return brokerState(this).resolved.get(name) as ResolvedEntry;
  }
}

const NO_DYNAMIC: BrokerState['dynamic'] = { 'cluster-wide': {}, 'per-broker': {} };

function dynamicLayer(source: ConfigSourceName, values: Readonly<Record<string, string>>, origin: string): Layer {
  return { source, entries: Object.entries(values).map(([name, value]) => ({ name, value, origin })) };
}

/** Resolves layers into a Config, or throws one InvalidConfigError listing every problem. */
export function buildConfig<C extends CatalogSpecs>(catalog: PropertyCatalog<C>, staticLayers: readonly Layer[], dynamic = NO_DYNAMIC, earlier: readonly ConfigProblem[] = []): Config<C> {
  const layers = [
    ...staticLayers,
    dynamicLayer('DYNAMIC_DEFAULT_BROKER_CONFIG', dynamic['cluster-wide'], 'cluster-wide update'),
    dynamicLayer('DYNAMIC_BROKER_CONFIG', dynamic['per-broker'], 'per-broker update'),
  ];
  const collected = collectSettings(layers, (name) => catalog.brokerDef(name) !== undefined, (name) => catalog.suggestBroker(name), 'property');
  const { resolved, problems } = resolveBrokerSettings(catalog, collected.settings);
  const all = [...earlier, ...collected.problems, ...problems];
  if (all.length === 0) {
    const context = { get: (name: string) => resolved.get(name)?.value, source: (name: string) => resolved.get(name)?.source ?? 'UNKNOWN' };
    for (const check of catalog.brokerChecks) all.push(...check(context));
  }
  throwIfProblems(all);
  return new ConfigImpl<C>({ catalog, staticLayers, dynamic, settings: collected.settings, resolved }) as unknown as Config<C>;
}

/**
 * Reads the broker configuration: defaults < properties file < environment <
 * `--override`. Every problem (unknown key, bad value, broken rule, missing
 * required property, inconsistent listeners) is collected and thrown as one
 * InvalidConfigError (code INVALID_CONFIG).
 */
export function parseBrokerConfig(input: BrokerConfigInput = {}): BrokerConfig {
  return parseConfig(PROPERTIES, input);
}

/** `parseBrokerConfig` for any catalog (e.g. a tool's own property set). */
export function parseConfig<C extends CatalogSpecs>(catalog: PropertyCatalog<C>, input: BrokerConfigInput = {}): Config<C> {
  const args = parseArgs(input.argv ?? []);
  const problems: ConfigProblem[] = [...args.problems];
  const file = readConfigFile(input, args.configFile, problems);
  const env = readEnvironment(input.env ?? {}, catalog, problems);
  const layers: Layer[] = [
    { source: 'STATIC_BROKER_CONFIG', entries: file },
    { source: 'STATIC_BROKER_CONFIG', entries: env },
    { source: 'STATIC_BROKER_CONFIG', entries: args.overrides },
  ];
  return buildConfig(catalog, layers, NO_DYNAMIC, problems);
}

function readConfigFile(input: BrokerConfigInput, path: string | undefined, problems: ConfigProblem[]): RawEntry[] {
  const fileName = input.fileName ?? path ?? 'config file';
  let text = input.fileText;
  if (text === undefined && path !== undefined) {
    try {
      text = (input.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
    } catch (error) {
      problems.push({ name: '--config', value: path, message: `cannot read config file '${path}': ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  if (text === undefined) return [];
  try {
    return parseProperties(text, fileName).map((e) => ({ name: e.key, value: e.value, origin: `${fileName} line ${e.line}` }));
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    problems.push(...error.problems);
    return [];
  }
}

/**
 * Reads `TRIBUTARY_*` variables. Each must be the variable of a property
 * (see `envVarName`); anything else under the prefix is an error naming the
 * closest variable, because a mistyped variable would otherwise be ignored.
 */
export function readEnvironment<C extends CatalogSpecs>(env: Readonly<Record<string, string | undefined>>, catalog: PropertyCatalog<C>, problems: ConfigProblem[]): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || value === undefined) continue;
    const def = catalog.envDef(variable);
    if (def !== undefined) {
      entries.push({ name: def.brokerName as string, value, origin: `env ${variable}` });
      continue;
    }
    const guess = propertyNameFromEnv(variable);
    const suggestion = catalog.suggestBroker(guess);
    const hint = suggestion === undefined ? '' : `; did you mean ${envVarName(suggestion)} ('${suggestion}')?`;
    problems.push({ name: variable, message: `unknown environment variable ${variable} (no property '${guess}')${hint}` });
  }
  return entries;
}
