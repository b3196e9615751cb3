/** Where the log layer reports what it did on its own (recovery truncations, rebuilt indexes, offline dirs). */
export interface StorageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const format = (message: string, fields?: Record<string, unknown>): string =>
  fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;

/** Logs to the console with a `[storage]` prefix. */
export const consoleStorageLogger: StorageLogger = {
  info: (m, f) => console.info(`[storage] ${format(m, f)}`),
  warn: (m, f) => console.warn(`[storage] ${format(m, f)}`),
  error: (m, f) => console.error(`[storage] ${format(m, f)}`),
};

/** Discards everything. */
export const silentStorageLogger: StorageLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Keeps every line, for tests: `lines` holds `level message` entries. */
export class CapturingStorageLogger implements StorageLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, fields });
  }
  /** Messages at `level` (all levels when omitted). */
  messages(level?: 'info' | 'warn' | 'error'): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
  }
}
