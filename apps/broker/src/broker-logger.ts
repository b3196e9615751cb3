import type { StorageLogger } from '@tributary/storage';

/** An error (or anything thrown) as one line: the message with newlines folded. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, '; ');
}

const format = (message: string, fields?: Record<string, unknown>): string =>
  fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;

/** The broker process's log lines: `[broker] level message`, info to stdout, problems to stderr. */
export function brokerLogger(): StorageLogger {
  return {
    info: (m, f) => console.log(`[broker] info ${format(m, f)}`),
    warn: (m, f) => console.error(`[broker] warn ${format(m, f)}`),
    error: (m, f) => console.error(`[broker] error ${format(m, f)}`),
  };
}
