import { existsSync } from 'node:fs';
import path from 'node:path';
import { type ProcessExit, type ProcessHandle, spawnProcess } from '@tributary/testing';

/** The bundle `nx build broker-app` writes; the e2e test target depends on that build. */
export const BROKER_BUNDLE = path.resolve(__dirname, '../../../../dist/apps/broker/main.cjs');
/** Longest a broker may take to print its ready line: a recovery scan on a loaded 2-core machine. */
const READY_TIMEOUT_MS = 60_000;
/** How often a restart is tried when the old port is not free yet (the kernel may hold it briefly). */
export const MAX_RESTART_ATTEMPTS = 10;
/** Pause before trying a busy port again, doubled per attempt: a retry backoff, not a synchronisation. */
const RESTART_BACKOFF_MS = 50;
const READY_LINE = /\bready\b.*\bgrpc=(?<host>[^\s:]+):(?<port>\d+)\b.*\bstartup=(?<startup>\w+)/;
const PORT_BUSY_LINE = /cannot listen on/;
/** The broker's first line of a recovery start (logs loaded, producer state next), or its ready line. */
const RECOVERY_LINE = /\bloaded \d+ logs from\b|\bready\b.*\bgrpc=/;

/** How a broker came up, from its ready line: `fresh` (new dir), `clean` (after SIGTERM) or `recovered` (after a crash). */
export type Startup = 'fresh' | 'clean' | 'recovered';

/** The started broker: its process and what its ready line said. */
export interface RunningBroker {
  readonly process: ProcessHandle;
  readonly address: string;
  readonly startup: Startup;
  readonly readyLine: string;
}

/**
 * One single-node broker (the built bundle) on one data dir, killed and
 * restarted on the port its first start got from the OS, so clients keep one
 * bootstrap address across crashes.
 */
export class BrokerNode {
  private port = 0;
  private current: RunningBroker | undefined;
  /** Ready lines of every start, in order. */
  readonly starts: string[] = [];

  constructor(
    private readonly logDir: string,
    private readonly extraOverrides: readonly string[] = [],
  ) {
    if (!existsSync(BROKER_BUNDLE)) throw new Error(`${BROKER_BUNDLE} is missing: run npx nx build broker-app (the e2e test target depends on it)`);
  }

  /** The running broker; throws when it is down. */
  get running(): RunningBroker {
    if (this.current === undefined) throw new Error('the broker is not running');
    return this.current;
  }

  /** `127.0.0.1:<port>`, stable across restarts once the first start has listened. */
  get address(): string {
    return this.running.address;
  }

  /**
   * Starts the broker and waits for its ready line: on port 0 the first time,
   * on the same port afterwards. A start that fails because the port is still
   * busy is retried up to MAX_RESTART_ATTEMPTS times; any other failure throws
   * with the broker's output.
   */
  async start(): Promise<RunningBroker> {
    if (this.current !== undefined) throw new Error('the broker is already running');
    for (let attempt = 1; ; attempt++) {
      const handle = this.spawn();
      try {
        const ready = await handle.ready;
        this.port = Number(ready.groups['port']);
        this.current = { process: handle, address: `${ready.groups['host']}:${ready.groups['port']}`, startup: ready.groups['startup'] as Startup, readyLine: ready.line };
        this.starts.push(ready.line);
        return this.current;
      } catch (error) {
        const exit = await handle.kill('SIGKILL');
        const portBusy = this.port !== 0 && handle.output().some((line) => PORT_BUSY_LINE.test(line));
        if (!portBusy || attempt >= MAX_RESTART_ATTEMPTS) throw new Error(`broker start failed (${describeExit(exit)}) after ${attempt} attempt(s): ${String(error)}\n${handle.output().join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, RESTART_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Starts the broker on its port and data dir and SIGKILLs it as soon as it
   * reports its logs loaded (it is then rebuilding producer state and writing
   * its snapshots) or ready, whichever comes first: a crash during recovery.
   * Resolves with the line it was killed at (undefined if it exited first).
   */
  async crashDuringStartup(): Promise<string | undefined> {
    if (this.current !== undefined) throw new Error('the broker is already running');
    const handle = this.spawn();
    const line = await handle.waitForLine(RECOVERY_LINE, { timeoutMs: READY_TIMEOUT_MS }).then(
      (match) => match.line,
      () => undefined,
    );
    await handle.kill('SIGKILL');
    return line;
  }

  /** Sends `signal` to the broker and waits for it to exit. */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<ProcessExit> {
    const broker = this.running;
    this.current = undefined;
    return broker.process.kill(signal);
  }

  private spawn(): ProcessHandle {
    const args = [BROKER_BUNDLE, '--override', `listeners=grpc://127.0.0.1:${this.port}`, '--override', `log.dirs=${this.logDir}`];
    for (const override of this.extraOverrides) args.push('--override', override);
    return spawnProcess({ command: process.execPath, args, readyPattern: READY_LINE, readyTimeoutMs: READY_TIMEOUT_MS, name: 'broker' });
  }
}

const describeExit = (exit: ProcessExit): string => (exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`);
