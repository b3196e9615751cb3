import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type ProcessHandle, type TempDir, createTempDir, spawnProcess, trackResource } from '@tributary/testing';

export const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(WORKSPACE_ROOT, 'apps', 'admin', 'bin', 'tributary.cjs');
const BROKER_BUNDLE = path.join(WORKSPACE_ROOT, 'dist', 'apps', 'broker', 'main.cjs');

/** A CLI run that outlives this is killed: every command under test finishes in well under it. */
export const CLI_TIMEOUT_MS = 30_000;

export interface RunningBroker {
  /** HOST:PORT of its native gRPC listener. */
  readonly bootstrap: string;
  readonly logDir: TempDir;
  readonly process: ProcessHandle;
}

/**
 * Starts the built broker (`nx test admin-app` builds it first) on an
 * ephemeral port in a fresh temp dir; both are released by the testing
 * library after the test or file that started it.
 */
export async function startBroker(overrides: Readonly<Record<string, string>> = {}): Promise<RunningBroker> {
  if (!existsSync(BROKER_BUNDLE)) throw new Error(`${BROKER_BUNDLE} is missing: run node tools/scripts/build-app.mjs broker`);
  const logDir = createTempDir('admin-broker');
  const args = [BROKER_BUNDLE, '--override', 'listeners=grpc://127.0.0.1:0', '--override', `log.dirs=${logDir.path}`];
  for (const [key, value] of Object.entries(overrides)) args.push('--override', `${key}=${value}`);
  const handle = spawnProcess({ command: process.execPath, args, name: 'broker', readyPattern: /\bready\b.*\bgrpc=(?<address>\S+)/ });
  const ready = await handle.ready;
  return { bootstrap: ready.groups['address'], logDir, process: handle };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real binary (`node apps/admin/bin/tributary.cjs ...args`) with
 * `input` on stdin and returns its exit status and output. The child is
 * SIGKILLed after CLI_TIMEOUT_MS or when the test's resources are released.
 */
export function runTributary(
  args: readonly string[],
  options: {
    readonly input?: string | Buffer;
    /** Sends SIGINT once this many stdout bytes have arrived (Ctrl-C at a running command). */
    readonly interruptAfterBytes?: number;
    /** Reads nothing of stdout for this long at first: a slow reader, so the pipe fills up. */
    readonly pauseStdoutMs?: number;
  } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: WORKSPACE_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const untrack = trackResource({
    description: `tributary ${args.join(' ')}`,
    order: 0,
    release: async () => void child.kill('SIGKILL'),
    releaseSync: () => void child.kill('SIGKILL'),
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let stdoutBytes = 0;
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    stdoutBytes += chunk.length;
    if (options.interruptAfterBytes !== undefined && !interrupted && stdoutBytes >= options.interruptAfterBytes) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (options.pauseStdoutMs !== undefined) {
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), options.pauseStdoutMs);
  }
  // A child that exits before reading all of stdin is not a test failure by itself.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      untrack();
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** Asserts a failed run: non-zero status and exactly one stderr line `tributary: ...` (no stack trace); returns that line. */
export function expectOneLineFailure(result: CliResult, status = 1): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: status, stderr: expect.stringMatching(/^tributary: [^\n]+\n$/) });
  return result.stderr.trim();
}
