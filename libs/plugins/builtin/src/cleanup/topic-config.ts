import type { PartitionLogView } from '@tributary/plugins-api';

/** Kafka's defaults for the topic configs the built-in cleanup policies read. */
export const CLEANUP_DEFAULTS = {
  'retention.ms': 604_800_000,
  'retention.bytes': -1,
  'min.cleanable.dirty.ratio': 0.5,
  'min.compaction.lag.ms': 0,
  /** Kafka's default is Long.MAX_VALUE: never force compaction by age. */
  'max.compaction.lag.ms': Number.POSITIVE_INFINITY,
  'delete.retention.ms': 86_400_000,
} as const;

export type CleanupConfigKey = keyof typeof CLEANUP_DEFAULTS;

/**
 * A numeric topic config from the view: numbers as given, numeric strings
 * parsed (a Long.MAX_VALUE string becomes ~9.2e18, which compares correctly),
 * anything else (missing, malformed) falls back to Kafka's default.
 */
export function topicNumber(view: PartitionLogView, key: CleanupConfigKey): number {
  const raw = view.config[key];
  if (typeof raw === 'number' && !Number.isNaN(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const parsed = Number(raw);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return CLEANUP_DEFAULTS[key];
}
