import { assert } from '@tributary/util';
import { closestMatch } from './closest';
import type { ConfigProblem } from './config-error';
import type { PropertyScope, PropertySpec } from './property';
import { type ConfigSourceName, envVarName } from './sources';

/** `log.retention.ms` → `logRetentionMs` (also `-` separated parts). */
export type CamelCase<S extends string> = S extends `${infer Head}.${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S extends `${infer Head}-${infer Tail}`
    ? `${Head}${Capitalize<CamelCase<Tail>>}`
    : S;

export function camelCase(name: string): string {
  return name.replace(/[.-]([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/** The catalog's declarations, keyed by Kafka name (the broker name, or the topic name for topic-only properties). */
export type CatalogSpecs = Readonly<Record<string, PropertySpec>>;

export type ValueOfSpec<S> = S extends PropertySpec<infer V> ? V : never;

/** Names of the broker-level properties of a catalog. */
export type BrokerNameOf<C extends CatalogSpecs> = { [K in keyof C]: C[K] extends { readonly scope: 'topic' } ? never : K }[keyof C] & string;

type TopicNameOfSpec<K, S> = S extends { readonly scope: 'topic' } ? K : S extends { readonly topic: infer T extends string } ? T : never;
/** Names of the topic-level properties of a catalog. */
export type TopicNameOf<C extends CatalogSpecs> = { [K in keyof C]: TopicNameOfSpec<K, C[K]> }[keyof C] & string;

type BrokerFieldOf<K extends string, S> = S extends { readonly field: infer F extends string } ? F : CamelCase<K>;
type TopicFieldOf<K, S> = S extends { readonly topicField: infer F extends string } ? F : CamelCase<TopicNameOfSpec<K, S> & string>;

/** Typed broker values by TypeScript field name (`logRetentionMs`). */
export type BrokerValuesOf<C extends CatalogSpecs> = { readonly [K in BrokerNameOf<C> as BrokerFieldOf<K, C[K]>]: ValueOfSpec<C[K]> };

/** Typed topic values by TypeScript field name (`retentionMs`). */
export type TopicValuesOf<C extends CatalogSpecs> = {
  readonly [K in keyof C as TopicNameOfSpec<K, C[K]> extends never ? never : TopicFieldOf<K, C[K]>]: ValueOfSpec<C[K]>;
};

type SpecOfTopic<C extends CatalogSpecs, N> = { [K in keyof C]: N extends TopicNameOfSpec<K, C[K]> ? C[K] : never }[keyof C];
/** The value type of a topic property, by its Kafka name. */
export type TopicValueOf<C extends CatalogSpecs, N extends TopicNameOf<C>> = ValueOfSpec<SpecOfTopic<C, N>>;

/** What a cross-property rule sees: resolved values and their sources, by Kafka name of its scope. */
export interface CheckContext {
  get(name: string): unknown;
  source(name: string): ConfigSourceName;
}

/** A rule between properties; runs only when every property on its own is valid. */
export type CrossCheck = (context: CheckContext) => readonly ConfigProblem[];

export interface CatalogOptions {
  /** Rules between broker properties, e.g. listeners vs process.roles. */
  readonly brokerChecks?: readonly CrossCheck[];
  /** Rules between topic properties, e.g. min.compaction.lag.ms ≤ max.compaction.lag.ms. */
  readonly topicChecks?: readonly CrossCheck[];
}

/** A problem for a value that breaks a rule between properties. */
export function ruleProblem(name: string, value: unknown, rule: string): ConfigProblem {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return { name, value: text, message: `invalid value '${text}' for property '${name}': ${rule}` };
}

/** A declared property with its names resolved. */
export interface PropertyDef<V = unknown> extends PropertySpec<V> {
  readonly scope: PropertyScope;
  /** Name in server properties; undefined for topic-only properties. */
  readonly brokerName?: string;
  /** Name as a topic config; undefined for broker-only properties. */
  readonly topicName?: string;
  readonly brokerField?: string;
  readonly topicFieldName?: string;
  /** `TRIBUTARY_…` variable of the broker property. */
  readonly envVar?: string;
}

/**
 * The declared properties with lookups by broker name, topic name and
 * environment variable. Construction checks the declarations themselves
 * (unique names and fields, defaults that pass their own rules, fallbacks that
 * exist), so a bad declaration fails at load time and in every test.
 */
export class PropertyCatalog<C extends CatalogSpecs = CatalogSpecs> {
  readonly all: readonly PropertyDef[];
  private readonly broker = new Map<string, PropertyDef>();
  private readonly topic = new Map<string, PropertyDef>();
  private readonly env = new Map<string, PropertyDef>();

  readonly brokerChecks: readonly CrossCheck[];
  readonly topicChecks: readonly CrossCheck[];

  constructor(
    readonly specs: C,
    options: CatalogOptions = {},
  ) {
    this.brokerChecks = options.brokerChecks ?? [];
    this.topicChecks = options.topicChecks ?? [];
    const defs: PropertyDef[] = [];
    const fields = new Set<string>();
    const topicFields = new Set<string>();
    for (const [key, spec] of Object.entries(specs)) {
      const def = PropertyCatalog.resolveNames(key, spec);
      if (def.brokerName !== undefined) {
        assert(!this.broker.has(key), `property '${key}' declared twice`);
        assert(!fields.has(def.brokerField as string), `field '${def.brokerField}' used twice`);
        fields.add(def.brokerField as string);
        this.broker.set(key, def);
        assert(!this.env.has(def.envVar as string), `environment variable ${def.envVar} maps to two properties`);
        this.env.set(def.envVar as string, def);
      }
      if (def.topicName !== undefined) {
        assert(!this.topic.has(def.topicName), `topic property '${def.topicName}' declared twice`);
        assert(!topicFields.has(def.topicFieldName as string), `topic field '${def.topicFieldName}' used twice`);
        topicFields.add(def.topicFieldName as string);
        this.topic.set(def.topicName, def);
      }
      defs.push(def);
    }
    this.all = Object.freeze(defs);
    for (const def of defs) this.checkDeclaration(def);
  }

  private static resolveNames(key: string, spec: PropertySpec): PropertyDef {
    const scope: PropertyScope = spec.scope === 'topic' ? 'topic' : spec.topic === undefined ? 'broker' : 'both';
    const topicName = scope === 'topic' ? key : spec.topic;
    return Object.freeze({
      ...spec,
      scope,
      ...(scope === 'topic' ? {} : { brokerName: key, brokerField: spec.field ?? camelCase(key), envVar: envVarName(key) }),
      ...(topicName === undefined ? {} : { topicName, topicFieldName: spec.topicField ?? camelCase(topicName) }),
    });
  }

  private checkDeclaration(def: PropertyDef): void {
    const name = def.brokerName ?? def.topicName;
    if (!def.required && def.defaultValue !== null) {
      for (const validator of def.validators) {
        const reason = validator.check(def.defaultValue);
        assert(reason === undefined, `default of '${name}' breaks its own rule: ${reason}`);
      }
      const reparsed = def.parse(def.format(def.defaultValue));
      assert(reparsed.ok, `default of '${name}' does not parse back from '${def.format(def.defaultValue)}'`);
    }
    if (def.fallback !== undefined) {
      const target = this.broker.get(def.fallback.name);
      assert(target !== undefined && target !== def, `fallback of '${name}' must be another broker property, got '${def.fallback.name}'`);
      assert(def.defaultValue === null && !def.required, `'${name}' has a fallback, so its default must be null`);
    }
    if (def.scope !== 'broker') {
      assert(!def.required, `topic property '${def.topicName}' needs a default`);
      const effective = this.effectiveDefault(def);
      assert(effective !== null, `topic property '${def.topicName}' must have a non-null default (or a fallback)`);
    }
  }

  brokerDef(name: string): PropertyDef | undefined {
    return this.broker.get(name);
  }

  topicDef(name: string): PropertyDef | undefined {
    return this.topic.get(name);
  }

  envDef(variable: string): PropertyDef | undefined {
    return this.env.get(variable);
  }

  brokerDefs(): readonly PropertyDef[] {
    return [...this.broker.values()];
  }

  topicDefs(): readonly PropertyDef[] {
    return [...this.topic.values()];
  }

  /** The closest broker property name, for "did you mean" messages. */
  suggestBroker(name: string): string | undefined {
    return closestMatch(name, this.broker.keys());
  }

  /** The closest topic property name; a broker name of a topic property suggests that topic property. */
  suggestTopic(name: string): string | undefined {
    return this.broker.get(name)?.topicName ?? closestMatch(name, this.topic.keys());
  }

  /** The default after following fallbacks (`log.retention.ms` → 168 hours in ms). */
  effectiveDefault(def: PropertyDef): unknown {
    if (def.defaultValue !== null || def.fallback === undefined) return def.defaultValue;
    const target = this.broker.get(def.fallback.name) as PropertyDef;
    return scaleFallback(this.effectiveDefault(target) as number | null, def.fallback.factor);
  }
}

/** Scales a fallback value into the property's unit; a negative value ("unlimited") stays -1. */
export function scaleFallback(value: number | null, factor: number): number | null {
  if (value === null) return null;
  return value < 0 ? -1 : value * factor;
}

/** Declares a catalog; see PropertyCatalog. */
export function defineCatalog<const C extends CatalogSpecs>(specs: C, options: CatalogOptions = {}): PropertyCatalog<C> {
  return new PropertyCatalog(specs, options);
}
