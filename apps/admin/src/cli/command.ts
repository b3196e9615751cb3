import type { CommandSpec, ParsedCommand } from './args';

/** Where a command reads and writes; the real process streams in production, buffers in unit tests. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment variables (TRIBUTARY_DEBUG prints stack traces of unexpected errors). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: long-running commands (consume, perf) stop, clean up and exit 0. */
  readonly signal: AbortSignal;
}

/** The part of a writable stream commands use. */
export interface OutputStream {
  write(text: string): unknown;
  /** True only for a terminal: live progress lines are drawn only there. */
  readonly isTTY?: boolean;
}

/**
 * One CLI command: its spec (flags, help) and what it does. `run` resolves to
 * the exit status; failures throw (TributaryError for expected ones) and the
 * runner turns them into one `tributary: <reason>` line.
 */
export interface Command {
  readonly spec: CommandSpec;
  run(io: CliIo, args: ParsedCommand): Promise<number>;
}
