import { type BrokerConfig, brokerState } from './broker-config';
import type { PropertyCatalog, PropertyDef, TopicNameOf, TopicValueOf, TopicValuesOf } from './catalog';
import { type ConfigProblem, throwIfProblems } from './config-error';
import { type ConfigEntry, brokerSynonyms, configEntry, formatValue } from './describe';
import { PROPERTIES, type PropertySpecs } from './properties';
import { splitList } from './property';
import { type ResolvedEntry, convert, unknownProblem } from './resolve';
import type { ConfigSourceName } from './sources';

/** A topic property name, e.g. `'retention.ms'`. */
export type TopicPropertyName = TopicNameOf<PropertySpecs>;
/** The type of a topic property's value, by name. */
export type TopicValue<K extends TopicPropertyName> = TopicValueOf<PropertySpecs, K>;
/** Every topic value by camelCase field: `retentionMs`, `cleanupPolicy`, `segmentBytes`. */
export type TopicConfigValues = TopicValuesOf<PropertySpecs>;

/** A typed topic config value as plugins see it (`PartitionLogView.config`). */
export type TopicConfigRecordValue = string | number | boolean | readonly string[];

export interface TopicConfigView {
  /** A value by Kafka topic name, typed by the name. */
  get<K extends TopicPropertyName>(name: K): TopicValue<K>;
  /** DYNAMIC_TOPIC_CONFIG for the topic's own overrides, else the source of the broker default it inherits. */
  source(name: TopicPropertyName): ConfigSourceName;
  /** The topic's own overrides in canonical form (what to store in metadata). */
  overrides(): Readonly<Record<string, string>>;
  /** DescribeConfigs rows for the given names (all topic properties when omitted). */
  describe(names?: readonly string[]): readonly ConfigEntry[];
  /** Every value by Kafka topic name, e.g. for a cleanup policy's `PartitionLogView.config`. */
  toRecord(): Readonly<Record<TopicPropertyName, TopicConfigRecordValue>>;
}

/** The effective configuration of one topic: its overrides over the broker's defaults. */
export type TopicConfig = TopicConfigValues & TopicConfigView;

const TOPIC_ORIGIN = 'topic config';

interface TopicState {
  readonly broker: BrokerConfig;
  readonly overrides: Readonly<Record<string, string>>;
  readonly resolved: ReadonlyMap<string, ResolvedEntry>;
}

const STATES = new WeakMap<object, TopicState>();

function topicState(config: object): TopicState {
  return STATES.get(config) as TopicState;
}

class TopicConfigImpl implements TopicConfigView {
  constructor(state: TopicState) {
    STATES.set(this, state);
    for (const def of PROPERTIES.topicDefs()) {
      Object.defineProperty(this, def.topicFieldName as string, { value: state.resolved.get(def.topicName as string)?.value, enumerable: true });
    }
    Object.freeze(this);
  }

  get<K extends TopicPropertyName>(name: K): TopicValue<K> {
    return this.entry(name).value as TopicValue<K>;
  }

  source(name: TopicPropertyName): ConfigSourceName {
    return this.entry(name).source;
  }

  overrides(): Readonly<Record<string, string>> {
    return topicState(this).overrides;
  }

  describe(names?: readonly string[]): readonly ConfigEntry[] {
    const { broker, overrides } = topicState(this);
    const defs = names === undefined ? PROPERTIES.topicDefs() : names.map((name) => topicDef(PROPERTIES, name));
    return defs.map((def) => {
      const name = def.topicName as string;
      const own = overrides[name] === undefined ? [] : [{ name, value: formatValue(def, this.entry(name).value), source: 'DYNAMIC_TOPIC_CONFIG' as const }];
      const inherited = def.brokerName === undefined ? topicOnlyDefault(def) : brokerSynonyms(PROPERTIES, def, brokerState(broker).settings);
      return configEntry(def, name, this.entry(name), false, [...own, ...inherited], def.topicDoc ?? def.doc);
    });
  }

  toRecord(): Readonly<Record<TopicPropertyName, TopicConfigRecordValue>> {
    const record: Record<string, TopicConfigRecordValue> = {};
    for (const [name, entry] of topicState(this).resolved) if (entry.value !== null) record[name] = entry.value as TopicConfigRecordValue;
    return Object.freeze(record) as Record<TopicPropertyName, TopicConfigRecordValue>;
  }

  private entry(name: string): ResolvedEntry {
    topicDef(PROPERTIES, name);
    return topicState(this).resolved.get(name) as ResolvedEntry;
  }
}

function topicOnlyDefault(def: PropertyDef): { name: string; value: string | null; source: 'DEFAULT_CONFIG' }[] {
  return [{ name: def.topicName as string, value: formatValue(def, def.defaultValue), source: 'DEFAULT_CONFIG' }];
}

function topicDef(catalog: PropertyCatalog, name: string): PropertyDef {
  const def = catalog.topicDef(name);
  if (def === undefined) throwIfProblems([unknownProblem(name, catalog.suggestTopic(name), 'topic property')]);
  return def as PropertyDef;
}

/**
 * Converts and validates a topic's overrides on their own (names, types,
 * rules) and returns them in canonical form (`' 1000 '` → `'1000'`,
 * `'TRUE'` → `'true'`). Pass the broker config to also check rules between
 * properties against the inherited values, as CreateTopics and
 * IncrementalAlterConfigs must. Throws InvalidConfigError listing every problem.
 */
export function validateTopicConfigs(overrides: Readonly<Record<string, string>>, broker?: BrokerConfig): Readonly<Record<string, string>> {
  if (broker !== undefined) return resolveTopicConfig(broker, overrides).overrides();
  return canonicalOverrides(overrides).canonical;
}

function canonicalOverrides(overrides: Readonly<Record<string, string>>): { canonical: Readonly<Record<string, string>>; values: Map<string, unknown> } {
  const problems: ConfigProblem[] = [];
  const canonical: Record<string, string> = {};
  const values = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(overrides)) {
    const def = PROPERTIES.topicDef(name);
    if (def === undefined) {
      problems.push(unknownProblem(name, PROPERTIES.suggestTopic(name), 'topic property', TOPIC_ORIGIN));
      continue;
    }
    const converted = convert(def, name, raw, TOPIC_ORIGIN);
    if (!converted.ok) problems.push(converted.problem);
    else {
      values.set(name, converted.value);
      canonical[name] = def.format(converted.value);
    }
  }
  throwIfProblems(problems);
  return { canonical: Object.freeze(canonical), values };
}

/**
 * The effective config of a topic: each override (validated against the topic
 * properties) or else the broker's value for the matching broker property
 * (`retention.ms` ← `log.retention.ms`/minutes/hours). Throws InvalidConfigError.
 */
export function resolveTopicConfig(broker: BrokerConfig, overrides: Readonly<Record<string, string>> = {}): TopicConfig {
  const { canonical, values } = canonicalOverrides(overrides);
  const brokerResolved = brokerState(broker).resolved;
  const resolved = new Map<string, ResolvedEntry>();
  for (const def of PROPERTIES.topicDefs()) {
    const name = def.topicName as string;
    if (values.has(name)) resolved.set(name, { value: values.get(name), source: 'DYNAMIC_TOPIC_CONFIG', origin: TOPIC_ORIGIN, supplier: name });
    else if (def.brokerName !== undefined) resolved.set(name, brokerResolved.get(def.brokerName) as ResolvedEntry);
    else resolved.set(name, { value: def.defaultValue, source: 'DEFAULT_CONFIG', supplier: name });
  }
  const context = { get: (name: string) => resolved.get(name)?.value, source: (name: string) => resolved.get(name)?.source ?? 'UNKNOWN' };
  throwIfProblems(PROPERTIES.topicChecks.flatMap((check) => check(context)));
  return new TopicConfigImpl({ broker, overrides: canonical, resolved }) as unknown as TopicConfig;
}

/** One IncrementalAlterConfigs operation on a topic property. */
export type AlterConfigOp =
  | { readonly name: string; readonly op: 'SET'; readonly value: string }
  | { readonly name: string; readonly op: 'DELETE' }
  | { readonly name: string; readonly op: 'APPEND' | 'SUBTRACT'; readonly value: string };

/**
 * Applies IncrementalAlterConfigs operations to a topic's overrides and returns
 * the new, validated overrides. DELETE reverts to the inherited value;
 * APPEND/SUBTRACT (list properties only) add missing items to, or remove items
 * from, the current value (the override, else the inherited value).
 */
export function alterTopicConfigs(broker: BrokerConfig, current: Readonly<Record<string, string>>, ops: readonly AlterConfigOp[]): Readonly<Record<string, string>> {
  const next: Record<string, string> = { ...current };
  const problems: ConfigProblem[] = [];
  for (const op of ops) {
    const def = PROPERTIES.topicDef(op.name);
    if (def === undefined) {
      problems.push(unknownProblem(op.name, PROPERTIES.suggestTopic(op.name), 'topic property', `${op.op} operation`));
    } else if (op.op === 'SET') {
      next[op.name] = op.value;
    } else if (op.op === 'DELETE') {
      delete next[op.name];
    } else if (def.type !== 'list') {
      problems.push({ name: op.name, value: op.value, message: `${op.op} is only for list properties; '${op.name}' is a ${def.type}` });
    } else {
      const base = next[op.name] ?? def.format(resolveTopicConfig(broker, {}).get(op.name as TopicPropertyName));
      const items = splitList(op.value);
      if (!items.ok) {
        problems.push({ name: op.name, value: op.value, message: `invalid value '${op.value}' for property '${op.name}': ${items.reason} [from ${op.op} operation]` });
        continue;
      }
      const current = splitList(base);
      const have = current.ok ? current.value : [base];
      const merged = op.op === 'APPEND' ? [...have, ...items.value.filter((i) => !have.includes(i))] : have.filter((i) => !items.value.includes(i));
      next[op.name] = merged.join(',');
    }
  }
  throwIfProblems(problems);
  return resolveTopicConfig(broker, next).overrides();
}
