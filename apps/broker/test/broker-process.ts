import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The bundle `nx build broker-app` writes (the test target depends on it). */
export const BROKER_BUNDLE = path.resolve(__dirname, '../../../dist/apps/broker/main.cjs');
/** Longest a broker may take to print its ready line or to exit. */
const STARTUP_TIMEOUT_MS = 30_000;

/** A broker child process with its output, line by line. */
export class BrokerProcess {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private listeners: (() => void)[] = [];

  private constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [BROKER_BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    collectLines(this.child.stdout, (line) => this.push(this.lines, line));
    collectLines(this.child.stderr, (line) => this.push(this.stderr, line));
    RUNNING.add(this);
    void this.exited.then(() => RUNNING.delete(this));
  }

  /** Spawns the built broker with `args`. */
  static spawn(args: readonly string[]): BrokerProcess {
    return new BrokerProcess(args);
  }

  /** Spawns and resolves with the `host:port` from the ready line; rejects if the broker exits or stays silent. */
  static async start(args: readonly string[]): Promise<{ broker: BrokerProcess; address: string; readyLine: string }> {
    const broker = new BrokerProcess(args);
    const readyLine = await broker.waitForLine(/\bready\b.*\bgrpc=\S+/);
    const address = /\bgrpc=(\S+)/.exec(readyLine)?.[1] as string;
    return { broker, address, readyLine };
  }

  /** Resolves with the first stdout line matching `pattern` (already printed or future). */
  waitForLine(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line === undefined) return false;
        cleanup();
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => fail(new Error(`no line matching ${pattern} within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
      const fail = (error: Error): void => {
        cleanup();
        reject(new Error(`${error.message}\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr.join('\n')}`));
      };
      const listener = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      if (check()) return;
      this.listeners.push(listener);
      void this.exited.then(({ code, signal }) => check() || fail(new Error(`broker exited (code ${code}, signal ${signal}) before printing a line matching ${pattern}`)));
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private push(into: string[], line: string): void {
    into.push(line);
    for (const l of [...this.listeners]) l();
  }
}

const RUNNING = new Set<BrokerProcess>();

/** SIGKILLs every broker still running (afterEach/afterAll), and waits for them to go. */
export async function killAllBrokers(): Promise<void> {
  const all = [...RUNNING];
  for (const b of all) b.kill('SIGKILL');
  await Promise.all(all.map((b) => b.exited));
}

function collectLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream?.on('end', () => {
    if (buffered !== '') onLine(buffered);
  });
}
