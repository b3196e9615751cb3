import type { Validator } from './validators';

/** Kafka's config types; `class` holds a plugin name and `password` a sensitive string. */
export type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'enum' | 'class' | 'password';

export type Importance = 'high' | 'medium' | 'low';

/**
 * Kafka's update modes for broker properties: `read-only` needs a restart,
 * `per-broker` may be changed for one broker at runtime, `cluster-wide` for
 * all brokers at runtime. Topic properties are always alterable per topic.
 */
export type UpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

/**
 * Where a property lives: `broker` (server properties only), `topic` (per-topic
 * only) or `both` (a broker property that is the default of a topic property,
 * e.g. `log.retention.ms` → `retention.ms`).
 */
export type PropertyScope = 'broker' | 'topic' | 'both';

/**
 * When a nullable broker property is unset its value comes from another
 * property in coarser units: `log.retention.ms` ← `log.retention.minutes` × 60000.
 * A negative fallback value (meaning "unlimited") stays -1 instead of being scaled.
 */
export interface Fallback {
  readonly name: string;
  readonly factor: number;
}

/** The result of converting one raw string. */
export type ParseResult<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly reason: string };

/**
 * One property as declared: type, default, rules, doc and where it applies.
 * Builders (`int`, `long`, `list`, …) create these; `defineCatalog` names them.
 */
export interface PropertySpec<V = unknown> {
  readonly type: ConfigType;
  readonly doc: string;
  readonly importance: Importance;
  /** True when there is no default: the property must be set. */
  readonly required: boolean;
  /** The default (null = unset); meaningless when `required`. */
  readonly defaultValue: V | null;
  readonly validators: readonly Validator<V>[];
  readonly updateMode: UpdateMode;
  /** The topic property this broker property is the default of. */
  readonly topic?: string;
  /** Documentation of the topic property when the broker text does not fit it. */
  readonly topicDoc?: string;
  /** 'topic' marks a topic-only property (the catalog key is then the topic name). */
  readonly scope?: PropertyScope;
  /** TypeScript field name when camelCase of the Kafka name would not end in the unit. */
  readonly field?: string;
  /** TypeScript field name of the topic property, same rule. */
  readonly topicField?: string;
  readonly fallback?: Fallback;
  /** Sensitive values are never shown by `describe` or in error messages. */
  readonly sensitive: boolean;
  /** The allowed values of an `enum` (or of each item of a list), for docs. */
  readonly validValues?: readonly string[];
  parse(raw: string): ParseResult<V>;
  format(value: V): string;
}

/** Options every builder takes. */
export interface CommonOptions<V> {
  readonly doc: string;
  readonly importance: Importance;
  /** Omit to make the property required; `null` means "unset" (the property is nullable). */
  readonly default?: V | null;
  readonly validate?: Validator<V> | readonly Validator<V>[];
  readonly updateMode?: UpdateMode;
  readonly topic?: string;
  readonly topicDoc?: string;
  readonly scope?: 'topic';
  readonly field?: string;
  readonly topicField?: string;
  readonly fallback?: Fallback;
  readonly sensitive?: boolean;
}

/** A nullable property stays nullable unless it has a fallback. */
type ResolvedValue<V, O> = O extends { readonly fallback: Fallback } ? V : O extends { readonly default: null } ? V | null : V;
/** Keeps literal names from the options so config types can be derived from the catalog. */
type Meta<O> = { readonly [K in Extract<keyof O, 'topic' | 'field' | 'topicField' | 'scope'>]: O[K] };
/** What a builder returns: a spec typed by its value plus its literal names. */
export type Property<V, O> = PropertySpec<ResolvedValue<V, O>> & Meta<O>;

/**
 * Kafka's `Long.MAX_VALUE` ("never"/"unlimited" in many defaults) cannot be a
 * JavaScript number exactly; Tributary reads it as Number.MAX_SAFE_INTEGER and
 * prints it back as 9223372036854775807.
 */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
export const LONG_MAX_TEXT = '9223372036854775807';
export const INT_MAX = 2 ** 31 - 1;
export const INT_MIN = -(2 ** 31);

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function build<V>(type: ConfigType, options: CommonOptions<V>, parse: (raw: string) => ParseResult<V>, format: (value: V) => string, validValues?: readonly string[]): PropertySpec<V> {
  const validate = options.validate;
  return {
    type,
    doc: options.doc,
    importance: options.importance,
    required: !('default' in options) || options.default === undefined,
    defaultValue: Array.isArray(options.default) ? (Object.freeze([...options.default]) as V) : (options.default ?? null),
    validators: validate === undefined ? [] : Array.isArray(validate) ? validate : [validate as Validator<V>],
    updateMode: options.updateMode ?? 'read-only',
    ...(options.topic === undefined ? {} : { topic: options.topic }),
    ...(options.topicDoc === undefined ? {} : { topicDoc: options.topicDoc }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.field === undefined ? {} : { field: options.field }),
    ...(options.topicField === undefined ? {} : { topicField: options.topicField }),
    ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
    sensitive: options.sensitive ?? type === 'password',
    ...(validValues === undefined ? {} : { validValues }),
    parse,
    format,
  };
}

const ok = <V>(value: V): ParseResult<V> => ({ ok: true, value });
const fail = <V>(reason: string): ParseResult<V> => ({ ok: false, reason });

function parseInt32(raw: string): ParseResult<number> {
  const text = raw.trim();
  if (!INTEGER.test(text)) return fail('is not an int (a whole number)');
  const value = Number(text);
  return value < INT_MIN || value > INT_MAX ? fail(`is out of range for an int [${INT_MIN}, ${INT_MAX}]`) : ok(value);
}

function parseInt64(raw: string): ParseResult<number> {
  const text = raw.trim();
  if (!INTEGER.test(text)) return fail('is not a long (a whole number)');
  const value = Number(text);
  if (Number.isSafeInteger(value)) return ok(value);
  if (BigInt(text) === BigInt(LONG_MAX_TEXT)) return ok(LONG_MAX);
  return fail(`is too large: longs must be safe integers (|n| ≤ ${Number.MAX_SAFE_INTEGER}) or ${LONG_MAX_TEXT} (Long.MAX_VALUE)`);
}

function formatLong(value: number): string {
  return value === LONG_MAX ? LONG_MAX_TEXT : String(value);
}

function parseDouble(raw: string): ParseResult<number> {
  const text = raw.trim();
  const value = Number(text);
  return DECIMAL.test(text) && Number.isFinite(value) ? ok(value) : fail('is not a double (a finite decimal number)');
}

function parseBoolean(raw: string): ParseResult<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return fail("is not a boolean (expected 'true' or 'false')");
}

/** Splits a Kafka list: comma-separated, whitespace around items ignored, empty text = empty list. */
export function splitList(raw: string): ParseResult<readonly string[]> {
  const text = raw.trim();
  if (text === '') return ok(Object.freeze([]));
  const items = text.split(/\s*,\s*/);
  const empty = items.indexOf('');
  return empty >= 0 ? fail(`has an empty item at position ${empty + 1}`) : ok(Object.freeze(items));
}

const formatList = (value: readonly string[]): string => value.join(',');

type NumberOptions = CommonOptions<number>;

/** A 32-bit signed integer. */
export function int<const O extends NumberOptions>(options: O): Property<number, O> {
  return build('int', options, parseInt32, String) as Property<number, O>;
}

/** A 64-bit integer, limited to safe integers (plus Long.MAX_VALUE, see LONG_MAX). */
export function long<const O extends NumberOptions>(options: O): Property<number, O> {
  return build('long', options, parseInt64, formatLong) as Property<number, O>;
}

/** A finite double. */
export function double<const O extends NumberOptions>(options: O): Property<number, O> {
  return build('double', options, parseDouble, String) as Property<number, O>;
}

/** `true` or `false`, case-insensitive. */
export function boolean<const O extends CommonOptions<boolean>>(options: O): Property<boolean, O> {
  return build('boolean', options, parseBoolean, String) as Property<boolean, O>;
}

/** A string, trimmed. */
export function string<const O extends CommonOptions<string>>(options: O): Property<string, O> {
  return build('string', options, (raw) => ok(raw.trim()), (value) => value) as Property<string, O>;
}

/** A sensitive string: never shown by describe or in errors. */
export function password<const O extends CommonOptions<string>>(options: O): Property<string, O> {
  return build('password', options, (raw) => ok(raw.trim()), (value) => value) as Property<string, O>;
}

/** The name of a plugin (Kafka's `class` type): resolved by the plugin host, not here. */
export function plugin<const O extends CommonOptions<string>>(options: O): Property<string, O> {
  return build('class', options, (raw) => ok(raw.trim()), (value) => value) as Property<string, O>;
}

/** One of a fixed set of values, case-sensitive as in Kafka. */
export function enumOf<const Vs extends readonly string[], const O extends CommonOptions<Vs[number]>>(values: Vs, options: O): Property<Vs[number], O> {
  const parse = (raw: string): ParseResult<Vs[number]> => {
    const text = raw.trim();
    if (values.includes(text)) return ok(text);
    const other = values.find((v) => v.toLowerCase() === text.toLowerCase());
    return fail(`is not one of [${values.join(', ')}]${other === undefined ? '' : ` (values are case-sensitive: '${other}')`}`);
  };
  return build('enum', options, parse, (value) => value, values) as Property<Vs[number], O>;
}

/** A comma-separated list of strings. */
export function list<const O extends CommonOptions<readonly string[]>>(options: O): Property<readonly string[], O> {
  return build('list', options, splitList, formatList) as Property<readonly string[], O>;
}

/** A comma-separated list whose items come from a fixed set. */
export function listOf<const Vs extends readonly string[], const O extends CommonOptions<readonly Vs[number][]>>(values: Vs, options: O): Property<readonly Vs[number][], O> {
  const parse = (raw: string): ParseResult<readonly Vs[number][]> => {
    const items = splitList(raw);
    if (!items.ok) return items;
    const bad = items.value.find((item) => !values.includes(item));
    return bad === undefined ? (items as ParseResult<readonly Vs[number][]>) : fail(`has item '${bad}', which is not one of [${values.join(', ')}]`);
  };
  return build('list', options, parse, formatList, values) as Property<readonly Vs[number][], O>;
}
