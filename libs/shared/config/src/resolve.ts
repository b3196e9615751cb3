import type { PropertyDef, PropertyCatalog } from './catalog';
import { scaleFallback } from './catalog';
import { type ConfigProblem, shown } from './config-error';
import type { ConfigSourceName, Layer } from './sources';

/** A raw value as set in one source. */
export interface RawSetting {
  readonly source: ConfigSourceName;
  readonly raw: string;
  readonly origin: string;
}

/** The value a property ends up with, and where it came from. */
export interface ResolvedEntry {
  readonly value: unknown;
  readonly source: ConfigSourceName;
  /** Where it was set (file line, variable, --override); undefined for defaults. */
  readonly origin?: string;
  /** The property that supplied the value: itself, or a fallback (`log.retention.hours`). */
  readonly supplier: string;
}

/** Settings per name, highest precedence first. */
export type RawSettings = ReadonlyMap<string, readonly RawSetting[]>;

const from = (origin: string | undefined): string => (origin === undefined ? '' : ` [from ${origin}]`);

/**
 * Groups layer entries by name, highest precedence first (later layers and,
 * within a layer, later entries win). Unknown names become problems with the
 * closest known name.
 */
export function collectSettings(layers: readonly Layer[], known: (name: string) => boolean, suggest: (name: string) => string | undefined, what: string): { settings: RawSettings; problems: ConfigProblem[] } {
  const settings = new Map<string, RawSetting[]>();
  const problems: ConfigProblem[] = [];
  for (const layer of layers) {
    for (const entry of layer.entries) {
      if (!known(entry.name)) {
        problems.push(unknownProblem(entry.name, suggest(entry.name), what, entry.origin));
        continue;
      }
      const list = settings.get(entry.name) ?? [];
      list.unshift({ source: layer.source, raw: entry.value, origin: entry.origin });
      settings.set(entry.name, list);
    }
  }
  return { settings, problems };
}

export function unknownProblem(name: string, suggestion: string | undefined, what: string, origin?: string): ConfigProblem {
  const hint = suggestion === undefined ? '; see docs/configuration.md for the valid names' : `; did you mean '${suggestion}'?`;
  return { name, message: `unknown ${what} '${name}'${hint}${from(origin)}` };
}

/** Converts and validates one raw value; the problem names the key, the value and the rule. */
export function convert(def: PropertyDef, name: string, raw: string, origin?: string): { ok: true; value: unknown } | { ok: false; problem: ConfigProblem } {
  const parsed = def.parse(raw);
  const reason = parsed.ok ? firstBrokenRule(def, parsed.value) : parsed.reason;
  if (reason === undefined && parsed.ok) return { ok: true, value: parsed.value };
  const rule = parsed.ok ? ` (valid values: ${validValuesText(def)})` : '';
  const value = def.sensitive ? undefined : raw;
  return { ok: false, problem: { name, ...(value === undefined ? {} : { value }), message: `invalid value ${shown(raw, def.sensitive)} for property '${name}': ${reason}${rule}${from(origin)}` } };
}

function firstBrokenRule(def: PropertyDef, value: unknown): string | undefined {
  for (const validator of def.validators) {
    const reason = validator.check(value);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** Kafka-style "valid values" text: enum values, validator descriptions, or empty. */
export function validValuesText(def: PropertyDef): string {
  const parts = [...(def.validValues === undefined ? [] : [`[${def.validValues.join(', ')}]`]), ...def.validators.map((v) => v.describe)];
  return parts.join(', ');
}

/**
 * Resolves every broker property from its settings: the winning setting,
 * converted and validated, else the default; then unset properties with a
 * fallback take the fallback's value scaled (ms > minutes > hours).
 */
export function resolveBrokerSettings(catalog: PropertyCatalog, settings: RawSettings): { resolved: Map<string, ResolvedEntry>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const own = new Map<string, ResolvedEntry>();
  for (const def of catalog.brokerDefs()) {
    const name = def.brokerName as string;
    const winner = settings.get(name)?.[0];
    if (winner !== undefined) {
      const converted = convert(def, name, winner.raw, winner.origin);
      if (converted.ok) own.set(name, { value: converted.value, source: winner.source, origin: winner.origin, supplier: name });
      else problems.push(converted.problem);
    } else if (def.required) {
      problems.push({ name, message: `missing required property '${name}': set it in the config file, with --override ${name}=…, or in ${def.envVar}` });
    } else {
      own.set(name, { value: def.defaultValue, source: 'DEFAULT_CONFIG', supplier: name });
    }
  }
  const resolved = new Map<string, ResolvedEntry>();
  const effective = (def: PropertyDef): ResolvedEntry | undefined => {
    const name = def.brokerName as string;
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const mine = own.get(name);
    let result = mine;
    if (def.fallback !== undefined && (mine === undefined || mine.value === null)) {
      const target = effective(catalog.brokerDef(def.fallback.name) as PropertyDef);
      if (target !== undefined) result = { ...target, value: scaleFallback(target.value as number | null, def.fallback.factor) };
    }
    if (result !== undefined) resolved.set(name, result);
    return result;
  };
  for (const def of catalog.brokerDefs()) effective(def);
  return { resolved, problems };
}
