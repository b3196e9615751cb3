import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { forgetProcessGroup, guardProcessGroup } from './janitor';
import { trackResource } from './lifecycle';

export interface SpawnOptions {
  readonly command: string;
  readonly args?: readonly string[];
  /** Added to (or, with `undefined`, removed from) the inherited environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Inherit this process's environment (default true). Inherited `TRIBUTARY_*`
   * variables are dropped either way so a developer's shell cannot change a
   * broker under test; pass them in `env` explicitly. Colour is turned off
   * (FORCE_COLOR removed, NO_COLOR=1) so patterns see plain text.
   */
  readonly inheritEnv?: boolean;
  readonly cwd?: string;
  /** A line (stdout or stderr) that means "ready"; `ready` resolves with its match. */
  readonly readyPattern?: RegExp | string;
  /** How long to wait for `readyPattern` before killing the process (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** Name in messages; defaults to the command and first argument. */
  readonly name?: string;
  /** Copy output to this process's stderr as it arrives; defaults to ECHO_CHILD_OUTPUT=1. */
  readonly echo?: boolean;
  /** Lines kept by `output()`; older lines are dropped (default MAX_CAPTURED_LINES). */
  readonly maxCapturedLines?: number;
}

export interface LineMatch {
  readonly line: string;
  readonly match: RegExpExecArray;
  /** Named groups of the match (`(?<port>\d+)`), empty when there are none. */
  readonly groups: Readonly<Record<string, string>>;
}

export interface ProcessExit {
  /** Exit code, or null when killed by a signal or never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the process could not be started (e.g. ENOENT). */
  readonly error?: Error;
}

export interface ProcessHandle {
  readonly name: string;
  /** Undefined when the process could not be started. */
  readonly pid: number | undefined;
  /** Resolves on the first line matching `readyPattern` (immediately on start without one); rejects, after killing the process, on timeout or early exit. */
  readonly ready: Promise<LineMatch>;
  /** Resolves once the process has exited and its output has been read. Never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once known. */
  readonly exitInfo: ProcessExit | undefined;
  /** Lines printed so far since the start (0-based count, including dropped ones). */
  readonly lineCount: number;
  /** Captured lines of stdout and stderr, interleaved as they arrived. */
  output(): readonly string[];
  /** Resolves on a line matching `pattern` printed at or after line number `since` (default 0: including earlier lines). */
  waitForLine(pattern: RegExp | string, options?: { readonly timeoutMs?: number; readonly since?: number }): Promise<LineMatch>;
  /** Sends `signal` (default SIGKILL) to the process group and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
  /** SIGTERM to the process, then SIGKILL to its group after `timeoutMs` (default 5 s): a graceful shutdown with a deadline. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
}

export const MAX_CAPTURED_LINES = 10_000;
/** A line longer than this is cut into pieces so a runaway writer cannot exhaust memory. */
export const MAX_LINE_CHARS = 1 << 20;
export const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
/** After exit, how long to wait for stdout/stderr to close (a stray grandchild may hold them). */
const OUTPUT_DRAIN_MS = 1_000;
const TAIL_LINES = 20;

interface Waiter {
  readonly regex: RegExp;
  readonly since: number;
  readonly resolve: (match: LineMatch) => void;
  readonly reject: (error: Error) => void;
}

function toRegExp(pattern: RegExp | string): RegExp {
  return typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
}

function childEnv(options: SpawnOptions): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = options.inheritEnv === false ? {} : { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('TRIBUTARY_')) delete base[key];
  // Tests match output lines; colour codes would break the patterns.
  delete base['FORCE_COLOR'];
  base['NO_COLOR'] = '1';
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/** Sends a signal to a whole process group; false if none of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

class ChildHandle implements ProcessHandle {
  readonly name: string;
  readonly ready: Promise<LineMatch>;
  readonly exited: Promise<ProcessExit>;
  exitInfo: ProcessExit | undefined;
  lineCount = 0;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly maxLines: number;
  private readonly echo: boolean;
  private readonly untrack: () => void;

  constructor(private readonly options: SpawnOptions) {
    this.name = options.name ?? [path.basename(options.command), ...(options.args ?? []).slice(0, 1)].join(' ');
    this.maxLines = options.maxCapturedLines ?? MAX_CAPTURED_LINES;
    this.echo = options.echo ?? process.env['ECHO_CHILD_OUTPUT'] === '1';
    this.child = spawn(options.command, [...(options.args ?? [])], {
      cwd: options.cwd,
      env: childEnv(options),
      // Its own process group, so kill() reaches grandchildren too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = this.child.pid;
    if (pgid !== undefined) guardProcessGroup(pgid);
    this.untrack = trackResource({ description: `process ${this.name}`, order: 0, release: () => this.release(), releaseSync: () => pgid !== undefined && signalGroup(pgid, 'SIGKILL') });
    this.exited = this.watchExit();
    this.readLines(this.child.stdout);
    this.readLines(this.child.stderr);
    this.ready = this.waitForReady();
    // Callers that never await `ready` must not see an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  output(): readonly string[] {
    return [...this.lines];
  }

  waitForLine(pattern: RegExp | string, options: { readonly timeoutMs?: number; readonly since?: number } = {}): Promise<LineMatch> {
    const regex = toRegExp(pattern);
    const since = options.since ?? 0;
    const firstKept = this.lineCount - this.lines.length;
    for (let i = Math.max(since, firstKept); i < this.lineCount; i++) {
      const match = regex.exec(this.lines[i - firstKept]);
      if (match) return Promise.resolve(lineMatch(this.lines[i - firstKept], match));
    }
    if (this.exitInfo !== undefined) return Promise.reject(this.failure(`exited (${describeExit(this.exitInfo)}) without printing ${regex}`));
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    return new Promise<LineMatch>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.failure(`did not print ${regex} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        regex,
        since,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessExit> {
    const pid = this.child.pid;
    if (pid !== undefined && this.exitInfo === undefined && !signalGroup(pid, signal)) this.child.kill(signal);
    return this.exited;
  }

  async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<ProcessExit> {
    if (this.exitInfo !== undefined || this.child.pid === undefined) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => void this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async release(): Promise<void> {
    await this.kill('SIGKILL');
  }

  private failure(what: string): Error {
    const tail = this.lines.slice(-TAIL_LINES);
    const shown = tail.length === 0 ? '(no output)' : tail.map((l) => `  | ${l}`).join('\n');
    return new Error(`process "${this.name}" (pid ${this.child.pid}) ${what}; last output:\n${shown}`);
  }

  private waitForReady(): Promise<LineMatch> {
    const { readyPattern } = this.options;
    if (readyPattern === undefined) {
      return new Promise((resolve, reject) => {
        this.child.once('spawn', () => resolve({ line: '', match: Object.assign([''], { index: 0, input: '' }) as RegExpExecArray, groups: {} }));
        this.child.once('error', (error) => reject(this.failure(`could not start: ${error.message}`)));
      });
    }
    const timeoutMs = this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    return this.waitForLine(readyPattern, { timeoutMs }).catch(async (error: unknown) => {
      await this.kill('SIGKILL');
      throw error;
    });
  }

  private readLines(stream: NodeJS.ReadableStream | null): void {
    if (stream === null) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split(/\r?\n/);
      partial = parts.pop() as string;
      for (const line of parts) this.addLine(line);
      while (partial.length > MAX_LINE_CHARS) {
        this.addLine(partial.slice(0, MAX_LINE_CHARS));
        partial = partial.slice(MAX_LINE_CHARS);
      }
    });
    stream.on('end', () => {
      if (partial !== '') this.addLine(partial);
      partial = '';
    });
  }

  private addLine(line: string): void {
    const number = this.lineCount++;
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
    if (this.echo) process.stderr.write(`[${this.name}] ${line}\n`);
    for (const waiter of this.waiters) {
      if (number < waiter.since) continue;
      const match = waiter.regex.exec(line);
      if (match) {
        this.waiters.delete(waiter);
        waiter.resolve(lineMatch(line, match));
      }
    }
  }

  private watchExit(): Promise<ProcessExit> {
    return new Promise((resolve) => {
      const finish = (exit: ProcessExit): void => {
        if (this.exitInfo !== undefined) return;
        this.exitInfo = exit;
        const pgid = this.child.pid;
        // The leader is gone; nothing it started may outlive it.
        if (pgid !== undefined) {
          signalGroup(pgid, 'SIGKILL');
          forgetProcessGroup(pgid);
        }
        this.untrack();
        for (const waiter of this.waiters) waiter.reject(this.failure(`exited (${describeExit(exit)}) without printing ${waiter.regex}`));
        this.waiters.clear();
        resolve(exit);
      };
      this.child.once('error', (error) => {
        if (this.child.pid === undefined) finish({ code: null, signal: null, error });
      });
      this.child.once('exit', (code, signal) => {
        const drained = Promise.all([this.child.stdout, this.child.stderr].map((s) => (s === null || s.readableEnded ? undefined : new Promise((r) => s.once('close', r)))));
        const timer = setTimeout(() => finish({ code, signal }), OUTPUT_DRAIN_MS);
        void drained.then(() => {
          clearTimeout(timer);
          finish({ code, signal });
        });
      });
    });
  }
}

function lineMatch(line: string, match: RegExpExecArray): LineMatch {
  return { line, match, groups: { ...(match.groups ?? {}) } };
}

function describeExit(exit: ProcessExit): string {
  if (exit.error !== undefined) return `failed to start: ${exit.error.message}`;
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/**
 * Starts a process in its own process group and tracks it: it is SIGKILLed
 * (with anything it started) after the test that started it (or after all
 * tests, if started in beforeAll), at process exit, and by the janitor if the
 * test process dies. Output is captured line by line.
 */
export function spawnProcess(options: SpawnOptions): ProcessHandle {
  return new ChildHandle(options);
}

/** True if `pid` is a live process (zombies count as dead). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}
