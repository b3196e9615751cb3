import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { decodeRecordBatch } from '@tributary/records';
import { createPrng, systemScheduler } from '@tributary/util';
import { NodeDisk } from '../disk/node-disk';
import { LogManager } from '../log-manager';
import type { Log } from './log';
import { CapturingStorageLogger } from './logger';
import { crashTestBatch, CRASH_TEST_CONFIG } from '../test-support/crash-batches';
import { splitBatches } from '../test-support/batches';

/**
 * Real-process crash test: a child appends batches to a log on the real file
 * system and reports each append; the test SIGKILLs it at seeded random
 * moments (during start-up/recovery, appends, rolls, fsyncs), then checks that
 * every reported batch is intact at its offset, offsets are dense, and nothing
 * else is in the log but whole batches the child generated.
 */
const ITERATIONS = Number(process.env.STORAGE_CRASH_ITERATIONS ?? 50);
const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const workspace = path.resolve(__dirname, '../../../..');
const children = new Set<ChildProcess>();
let bundle: string;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-crash-'));
  // Inside the workspace, so the child resolves npm packages from its node_modules.
  fs.mkdirSync(path.join(workspace, 'tmp'), { recursive: true });
  bundle = path.join(fs.mkdtempSync(path.join(workspace, 'tmp', 'storage-crash-child-')), 'crash-child.cjs');
  await build({
    entryPoints: [path.join(__dirname, '../test-support/crash-child.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(workspace, 'tsconfig.base.json'),
    logLevel: 'error',
  });
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  if (root) fs.rmSync(root, { recursive: true, force: true });
  if (bundle) fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
});

interface Reported {
  readonly index: number;
  readonly first: number;
  readonly last: number;
}

/**
 * Runs the child and SIGKILLs it `killAfterMs` after it is ready (appending), or
 * after it was spawned when `duringStartup` (then the kill usually lands while
 * it loads or recovers the log). Returns the appends it reported.
 */
function runChild(dir: string, startIndex: number, killAfterMs: number, duringStartup: boolean): Promise<{ reported: Reported[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dir, String(startIndex)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: workspace });
    children.add(child);
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    if (duringStartup) arm();
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.startsWith('READY')) arm();
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    // Bound a child that never gets ready.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      children.delete(child);
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`));
      const reported: Reported[] = [];
      // Only complete lines count: a line cut by the kill was not reported.
      for (const line of out.split('\n').slice(0, -1)) {
        const m = /^A (\d+) (\d+) (\d+)$/.exec(line);
        if (m) reported.push({ index: Number(m[1]), first: Number(m[2]), last: Number(m[3]) });
      }
      resolve({ reported, stderr });
    });
  });
}

function readAll(log: Log): { baseOffset: number; lastOffset: number; bytes: Buffer }[] {
  const out: { baseOffset: number; lastOffset: number; bytes: Buffer }[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const batches = splitBatches(log.read(offset, { maxBytes: 4 << 20 }).records);
    if (batches.length === 0) throw new Error(`no batch at ${offset} below the log end ${log.logEndOffset}`);
    out.push(...batches);
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return out;
}

/** The generator index of a stored batch, checked against a fresh encoding of that index. */
function indexOf(bytes: Buffer): number {
  const decoded = decodeRecordBatch(bytes);
  const index = Number((decoded.records[0].key as Buffer).toString().split(':')[0]);
  const expected = decodeRecordBatch(crashTestBatch(index));
  const same =
    decoded.records.length === expected.records.length &&
    decoded.records.every((r, j) => r.key?.equals(expected.records[j].key as Buffer) && r.value?.equals(expected.records[j].value as Buffer));
  if (!same) throw new Error(`batch with key index ${index} does not hold the generated records: garbage in the log`);
  return index;
}

describe('real-process crash test', () => {
  it(`survives ${ITERATIONS} SIGKILLs at random moments with every reported batch intact (SEED=${SEED})`, async () => {
    const prng = createPrng(SEED);
    const dir = path.join(root, 'data');
    const reportedAll: Reported[] = [];
    let verifiedUpTo = 0;
    const started = Date.now();
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        const duringStartup = prng.next() < 0.2;
        const killAfter = duringStartup ? prng.intBetween(0, 400) : prng.intBetween(0, 250);
        const t0 = Date.now();
        const { reported } = await runChild(dir, (i + 1) * 1_000_000, killAfter, duringStartup);
        const t1 = Date.now();
        reportedAll.push(...reported);
        const logger = new CapturingStorageLogger();
        const mgr = await LogManager.open({ disk: new NodeDisk(), logDirs: [dir], scheduler: systemScheduler, logger, defaultConfig: CRASH_TEST_CONFIG });
        const log = mgr.getOrCreateLog({ topic: 'crash', partition: 0 });
        const t2 = Date.now();
        const batches = readAll(log);
        const t3 = Date.now();
        // Dense, increasing offsets from 0; every batch CRC-checked by the read.
        let next = 0;
        for (const b of batches) {
          if (b.baseOffset !== next) throw new Error(`iteration ${i}: batch at ${b.baseOffset}, expected ${next} (offsets not dense)`);
          next = b.lastOffset + 1;
        }
        if (next !== log.logEndOffset) throw new Error(`iteration ${i}: batches end at ${next}, log end offset ${log.logEndOffset}`);
        // Batches new since the last check are whole batches of the generator.
        const byOffset = new Map<number, number>();
        for (const b of batches) if (b.baseOffset >= verifiedUpTo) byOffset.set(b.baseOffset, indexOf(b.bytes));
        // Every reported append is there, at its offset, with its content.
        const stored = new Map(batches.map((b) => [b.baseOffset, b]));
        for (const r of reportedAll) {
          const b = stored.get(r.first);
          if (b?.lastOffset !== r.last) throw new Error(`iteration ${i}: reported batch ${r.index} at [${r.first}, ${r.last}] is missing (found ${b?.lastOffset})`);
          if (r.first >= verifiedUpTo && byOffset.get(r.first) !== r.index) {
            throw new Error(`iteration ${i}: offset ${r.first} holds batch ${byOffset.get(r.first)}, reported ${r.index}`);
          }
        }
        verifiedUpTo = log.logEndOffset;
        if (process.env.STORAGE_CRASH_DEBUG) console.log(`iteration ${i} at ${Date.now() - started} ms: ${reported.length} reported, log ${log.sizeBytes} bytes, child ${t1 - t0} ms, open ${t2 - t1} ms, read ${t3 - t2} ms, check ${Date.now() - t3} ms`);
        // Alternate: sometimes leave the dir as a crash left it (the next child recovers, maybe under a kill).
        if (prng.next() < 0.5) await mgr.shutdown();
        else mgr.abandon();
      }
    } catch (error) {
      console.error(`SEED=${SEED}`);
      throw error;
    }
    expect(reportedAll.length).toBeGreaterThan(ITERATIONS * 10);
  }, 180_000);
});
