import type { PropertyCatalog, PropertyDef } from './catalog';
import type { ConfigType } from './property';
import type { RawSettings, ResolvedEntry } from './resolve';
import type { ConfigSourceName } from './sources';

/** A value of a property (or of one of its synonyms) in one source. */
export interface ConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSourceName;
}

/**
 * One row of DescribeConfigs: the effective value, where it came from, and
 * the synonyms that were considered, highest precedence first (Kafka's
 * `include_synonyms`). Sensitive values are null.
 */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSourceName;
  /** Where it was set (file line, variable, --override, dynamic update); undefined for defaults. */
  readonly origin?: string;
  readonly isDefault: boolean;
  readonly isReadOnly: boolean;
  readonly isSensitive: boolean;
  readonly type: ConfigType;
  readonly documentation: string;
  readonly synonyms: readonly ConfigSynonym[];
}

export function formatValue(def: PropertyDef, value: unknown): string | null {
  if (value === null || value === undefined || def.sensitive) return null;
  return def.format(value);
}

/** The synonyms of a broker property: itself then its fallbacks, each by source, defaults last. */
export function brokerSynonyms(catalog: PropertyCatalog, def: PropertyDef, settings: RawSettings): ConfigSynonym[] {
  const synonyms: ConfigSynonym[] = [];
  for (let d: PropertyDef | undefined = def; d !== undefined; d = d.fallback && catalog.brokerDef(d.fallback.name)) {
    const name = d.brokerName as string;
    for (const s of settings.get(name) ?? []) synonyms.push({ name, value: d.sensitive ? null : s.raw.trim(), source: s.source });
    if (d.defaultValue !== null) synonyms.push({ name, value: formatValue(d, d.defaultValue), source: 'DEFAULT_CONFIG' });
  }
  return synonyms;
}

export function configEntry(def: PropertyDef, name: string, entry: ResolvedEntry, isReadOnly: boolean, synonyms: readonly ConfigSynonym[], documentation = def.doc): ConfigEntry {
  return Object.freeze({
    name,
    value: formatValue(def, entry.value),
    source: entry.source,
    ...(entry.origin === undefined ? {} : { origin: entry.origin }),
    isDefault: entry.source === 'DEFAULT_CONFIG',
    isReadOnly,
    isSensitive: def.sensitive,
    type: def.type,
    documentation,
    synonyms: Object.freeze(synonyms),
  });
}
