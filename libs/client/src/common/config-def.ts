import { TributaryError } from '@tributary/errors';

/**
 * A small typed property system for client configs: every key is declared once
 * with its parser (which also accepts the string form a properties file would
 * give), default, validation and doc. Unknown keys are an error, as in Kafka.
 */
export interface ConfigKey<In, Out> {
  readonly doc: string;
  /** The value used when the key is absent; `undefined` means "required" unless `optional`. */
  readonly defaultValue?: Out;
  readonly optional?: boolean;
  /** Parses a user value (typed or string form) or throws an Error whose message explains why. */
  parse(raw: In | string, name: string): Out;
  /** Rendered in docs, e.g. `[0,...]` or `none, gzip`. */
  readonly validValues?: string;
  /** Phantom field: the accepted input type. */
  readonly __in?: In;
}

export type ConfigDefs = Record<string, ConfigKey<any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a user may pass: every key optional, typed values or their string forms. */
export type ConfigInput<D extends ConfigDefs> = { readonly [K in keyof D]?: NonNullable<D[K]['__in']> | string };

/** The resolved, validated config: every key with a default is present. */
export type ResolvedConfig<D extends ConfigDefs> = {
  readonly [K in keyof D]: D[K] extends ConfigKey<infer _In, infer Out> ? Out : never;
};

/** Marks a key as optional without a default: its resolved value may be `undefined`. */
export function optional<In, Out>(key: ConfigKey<In, Out>): ConfigKey<In, Out | undefined> {
  return { ...key, optional: true };
}

function fail(name: string, raw: unknown, why: string): never {
  throw new Error(`Invalid value ${JSON.stringify(raw)} for configuration ${name}: ${why}`);
}

export interface IntOptions {
  readonly doc: string;
  readonly defaultValue?: number;
  readonly min?: number;
  readonly max?: number;
}

/** An integer (Kafka int/long) with an optional inclusive range. */
export function intKey(options: IntOptions): ConfigKey<number, number> {
  const { min, max } = options;
  return {
    ...options,
    validValues: min === undefined && max === undefined ? undefined : `[${min ?? '...'},${max ?? '...'}]`,
    parse(raw, name) {
      const n = typeof raw === 'string' ? Number(raw.trim()) : raw;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail(name, raw, 'expected an integer');
      if (min !== undefined && n < min) fail(name, raw, `value must be at least ${min}`);
      if (max !== undefined && n > max) fail(name, raw, `value must be no more than ${max}`);
      return n;
    },
  };
}

export function boolKey(options: { doc: string; defaultValue: boolean }): ConfigKey<boolean, boolean> {
  return {
    ...options,
    parse(raw, name) {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      return fail(name, raw, 'expected true or false');
    },
  };
}

export function stringKey(options: { doc: string; defaultValue?: string }): ConfigKey<string, string> {
  return {
    ...options,
    parse(raw, name) {
      if (typeof raw !== 'string') fail(name, raw, 'expected a string');
      return raw;
    },
  };
}

/** One of a fixed set of lower-case names, e.g. compression.type. */
export function enumKey<T extends string>(options: { doc: string; values: readonly T[]; defaultValue: T }): ConfigKey<T, T> {
  return {
    doc: options.doc,
    defaultValue: options.defaultValue,
    validValues: options.values.join(', '),
    parse(raw, name) {
      const s = String(raw).trim().toLowerCase();
      if (!(options.values as readonly string[]).includes(s)) fail(name, raw, `expected one of ${options.values.join(', ')}`);
      return s as T;
    },
  };
}

/** A list: an array, or a comma-separated string. */
export function listKey(options: { doc: string; defaultValue?: readonly string[]; nonEmpty?: boolean }): ConfigKey<readonly string[], readonly string[]> {
  return {
    ...options,
    parse(raw, name) {
      const items = typeof raw === 'string' ? raw.split(',') : raw;
      if (!Array.isArray(items) || items.some((i) => typeof i !== 'string')) fail(name, raw, 'expected a list of strings');
      const list = items.map((i) => i.trim()).filter((i) => i.length > 0);
      if (options.nonEmpty && list.length === 0) fail(name, raw, 'the list must not be empty');
      return Object.freeze(list);
    },
  };
}

/** A value that is not a plain scalar (a plugin instance, a function); strings are kept for a loader. */
export function objectKey<T>(options: { doc: string; check: (v: unknown) => boolean; expected: string; defaultValue?: T | string }): ConfigKey<T, T | string> {
  return {
    doc: options.doc,
    defaultValue: options.defaultValue,
    parse(raw, name) {
      if (typeof raw === 'string' || options.check(raw)) return raw;
      return fail(name, raw, `expected ${options.expected}`);
    },
  };
}

/** A list of plugin instances (or built-in names), in order; a string is a comma-separated list of names. */
export function pluginListKey<T>(options: { doc: string; check: (v: unknown) => v is T; expected: string }): ConfigKey<readonly (T | string)[], readonly (T | string)[]> {
  return {
    doc: options.doc,
    defaultValue: [],
    parse(raw, name) {
      const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
      if (!Array.isArray(list) || !list.every((i) => typeof i === 'string' || options.check(i))) fail(name, raw, `expected a list of ${options.expected}`);
      return Object.freeze([...list]);
    },
  };
}

/** Parses and validates `input` against `defs`; throws INVALID_CONFIG on the first problem. */
export function parseConfig<D extends ConfigDefs>(kind: string, defs: D, input: ConfigInput<D>): ResolvedConfig<D> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(input)) {
    if (!Object.prototype.hasOwnProperty.call(defs, name)) {
      const hint = closestName(name, Object.keys(defs));
      throw new TributaryError('INVALID_CONFIG', `Unknown ${kind} configuration '${name}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
  }
  for (const [name, def] of Object.entries(defs)) {
    const raw = (input as Record<string, unknown>)[name];
    if (raw === undefined || raw === null) {
      if (def.defaultValue === undefined && !def.optional) {
        throw new TributaryError('INVALID_CONFIG', `Missing required ${kind} configuration '${name}' which has no default value`);
      }
      out[name] = def.defaultValue;
      continue;
    }
    try {
      out[name] = def.parse(raw, name);
    } catch (error) {
      throw new TributaryError('INVALID_CONFIG', error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
  return Object.freeze(out) as ResolvedConfig<D>;
}

/** Throws INVALID_CONFIG with `message` unless `condition` holds (cross-key rules). */
export function requireConfig(condition: boolean, message: string): void {
  if (!condition) throw new TributaryError('INVALID_CONFIG', message);
}

/** Renders a Markdown table of `defs`, for READMEs and generated docs. */
export function describeConfigs(defs: ConfigDefs): string {
  const rows = Object.entries(defs).map(([name, def]) => {
    const dflt = def.defaultValue === undefined ? '' : JSON.stringify(def.defaultValue);
    return `| \`${name}\` | ${dflt} | ${def.validValues ?? ''} | ${def.doc} |`;
  });
  return ['| name | default | valid values | description |', '|---|---|---|---|', ...rows].join('\n');
}

function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
