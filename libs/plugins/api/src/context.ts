/**
 * What a plugin's `create(context)` receives. The interfaces are minimal and
 * local so this package depends on nothing; the host passes structurally
 * compatible implementations (its Clock, Prng and logger).
 */

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A logger; the host tags every line with the plugin's kind and name. */
export interface PluginLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Wall-clock time. Plugins read time here, never from Date.now, so tests and simulations control it. */
export interface PluginClock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** A seeded pseudo-random source. Plugins draw randomness here, never from Math.random. */
export interface PluginPrng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] inclusive. */
  intBetween(min: number, max: number): number;
}

/** Plugin configuration: the `key=value` pairs an operator gave for this plugin, as strings. */
export type PluginConfig = Readonly<Record<string, string>>;

export interface PluginContext {
  /** The plugin's registered name (useful in log lines). */
  readonly pluginName: string;
  readonly config: PluginConfig;
  readonly logger: PluginLogger;
  readonly clock: PluginClock;
  /** Each created instance gets its own PRNG; seeded by the host (fixed seeds in tests). */
  readonly prng: PluginPrng;
}
