import { type ChildProcess, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * The janitor is a tiny detached helper process that holds a pipe from the
 * test process. When that pipe closes — the test process ended in any way,
 * including SIGKILL or a crashed Jest worker, where no exit handler runs — it
 * SIGKILLs every process group and removes every temp dir still registered.
 * Normal cleanup (afterEach/afterAll, dispose) unregisters them first, so it
 * usually has nothing to do.
 */
const JANITOR_SCRIPT = `
const { rmSync } = require('node:fs');
const path = require('node:path');
const root = path.resolve(process.argv[1]) + path.sep;
const groups = new Set();
const dirs = new Set();
let pending = '';
function cleanUp() {
  for (const pgid of groups) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
  for (const dir of dirs) { try { rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    let message;
    try { message = JSON.parse(line); } catch { continue; }
    if (message.op === 'kill' && Number.isInteger(message.pgid) && message.pgid > 1) groups.add(message.pgid);
    else if (message.op === 'unkill') groups.delete(message.pgid);
    else if (message.op === 'rm' && typeof message.path === 'string' && path.resolve(message.path).startsWith(root)) dirs.add(message.path);
    else if (message.op === 'unrm') dirs.delete(message.path);
  }
});
process.stdin.on('end', cleanUp);
process.stdin.on('error', cleanUp);
process.on('SIGINT', () => {});
`;

/** The OS temp directory with symlinks resolved; temp dirs live under it. */
export const TEMP_ROOT = realpathSync(tmpdir());

type JanitorMessage = { op: 'kill' | 'unkill'; pgid: number } | { op: 'rm' | 'unrm'; path: string };

let janitor: ChildProcess | undefined;

function send(message: JanitorMessage): void {
  if (janitor === undefined || janitor.stdin === null || janitor.stdin.destroyed) {
    // Only temp dirs under the OS temp directory may be removed by it.
    janitor = spawn(process.execPath, ['-e', JANITOR_SCRIPT, TEMP_ROOT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    janitor.on('error', () => undefined);
    janitor.stdin?.on('error', () => undefined);
    // Neither the janitor nor its pipe may keep the test process alive.
    janitor.unref();
    (janitor.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  janitor.stdin?.write(`${JSON.stringify(message)}\n`);
}

/** Registers a process group to be SIGKILLed if this process dies before `forgetProcessGroup`. */
export function guardProcessGroup(pgid: number): void {
  send({ op: 'kill', pgid });
}

export function forgetProcessGroup(pgid: number): void {
  if (janitor !== undefined) send({ op: 'unkill', pgid });
}

/** Registers a directory to be removed if this process dies before `forgetDirectory`. */
export function guardDirectory(path: string): void {
  send({ op: 'rm', path });
}

export function forgetDirectory(path: string): void {
  if (janitor !== undefined) send({ op: 'unrm', path });
}

/** Lets the janitor exit (cleaning anything still registered); a later guard starts a new one. */
export function closeJanitor(): void {
  janitor?.stdin?.end();
  janitor = undefined;
}
