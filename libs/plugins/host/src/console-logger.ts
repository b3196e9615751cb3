import type { LogFields, PluginLogger } from '@tributary/plugins-api';

/** The default host logger: one line per entry on stderr, fields as JSON. Apps pass their own logger. */
export const consoleLogger: PluginLogger = {
  debug: () => undefined,
  info: (message, fields) => console.info(line('INFO', message, fields)),
  warn: (message, fields) => console.warn(line('WARN', message, fields)),
  error: (message, fields) => console.error(line('ERROR', message, fields)),
};

/** A logger that adds `fields` to every entry. */
export function withFields(logger: PluginLogger, fields: LogFields): PluginLogger {
  const merge = (extra?: LogFields): LogFields => ({ ...fields, ...extra });
  return {
    debug: (m, f) => logger.debug(m, merge(f)),
    info: (m, f) => logger.info(m, merge(f)),
    warn: (m, f) => logger.warn(m, merge(f)),
    error: (m, f) => logger.error(m, merge(f)),
  };
}

function line(level: string, message: string, fields?: LogFields): string {
  return fields === undefined ? `${level} ${message}` : `${level} ${message} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`;
}
