import type { LogFields, PluginContext, PluginLogger } from '../context';
import { createSeededPrng } from './seeded-prng';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: LogFields;
}

export interface TestContextOptions {
  readonly seed?: number;
  readonly config?: Readonly<Record<string, string>>;
  /** The fixed wall-clock time the context's clock reports (ms since epoch). */
  readonly nowMs?: number;
  readonly pluginName?: string;
}

/** A PluginContext for tests: seeded PRNG, fixed clock, and a logger that records into `entries`. */
export interface TestPluginContext extends PluginContext {
  readonly entries: LogEntry[];
}

/** The fixed time test contexts report unless told otherwise: 2023-11-14T22:13:20Z. */
export const TEST_NOW_MS = 1_700_000_000_000;

export function createTestContext(options: TestContextOptions = {}): TestPluginContext {
  const entries: LogEntry[] = [];
  const log =
    (level: LogEntry['level']) =>
    (message: string, fields?: LogFields): void => {
      entries.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  const logger: PluginLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const nowMs = options.nowMs ?? TEST_NOW_MS;
  return {
    pluginName: options.pluginName ?? 'test-plugin',
    config: Object.freeze({ ...(options.config ?? {}) }),
    logger,
    clock: { nowMs: () => nowMs },
    prng: createSeededPrng(options.seed ?? 1),
    entries,
  };
}
