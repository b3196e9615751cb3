import { type Prng, createPrng } from '@tributary/util';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Seeds are 32-bit so every consumer (createPrng, fast-check) reproduces them exactly. */
const SEED_LIMIT = 2 ** 31;

/**
 * The seed for a randomized test: `SEED` from the environment when set (to
 * replay a failure), else a fresh random one. A malformed SEED is an error, not
 * silently a random seed.
 */
export function resolveSeed(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env['SEED']?.trim();
  if (text === undefined || text === '') return Math.floor(Math.random() * SEED_LIMIT);
  if (!/^-?\d+$/.test(text) || Math.abs(Number(text)) >= SEED_LIMIT) throw new Error(`SEED must be an integer with |SEED| < 2^31, got '${text}'`);
  return Number(text);
}

interface TestContext {
  readonly project?: string;
  readonly testName?: string;
}

/** What Jest knows about the running test, if anything. */
function jestContext(): TestContext {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string; currentTestName?: string } } }).expect?.getState?.();
  const project = process.env['NX_TASK_TARGET_PROJECT'] ?? (state?.testPath ? projectOf(state.testPath) : undefined);
  return { ...(project === undefined ? {} : { project }), ...(state?.currentTestName ? { testName: state.currentTestName } : {}) };
}

/** The Nx project owning a file: the `name` in the nearest project.json above it. */
export function projectOf(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const projectJson = path.join(dir, 'project.json');
    if (existsSync(projectJson)) return (JSON.parse(readFileSync(projectJson, 'utf8')) as { name?: string }).name;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const regexEscape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The lines printed when a seeded test fails: `SEED=<n>` and the command that
 * replays it (Nx's cache is skipped so the test really runs again).
 */
export function seedReport(seed: number, context: TestContext = jestContext()): string {
  const filter = context.testName === undefined ? '' : ` --testNamePattern=${shellQuote(`^${regexEscape(context.testName)}$`)}`;
  const replay = `SEED=${seed} npx nx test ${context.project ?? '<project>'} --skip-nx-cache${filter}`;
  return `SEED=${seed}\nReplay with: ${replay}`;
}

function report(error: unknown, seed: number): never {
  const text = seedReport(seed);
  console.error(`Seeded test failed.\n${text}`);
  if (error instanceof Error && !error.message.includes(`SEED=${seed}`)) {
    const old = error.message;
    error.message = `${old}\n\n${text}`;
    if (error.stack?.includes(old)) error.stack = error.stack.replace(old, error.message);
  }
  throw error;
}

/**
 * Runs `body` with a seed (see resolveSeed) and a PRNG made from it. If it
 * throws or its promise rejects, `SEED=<n>` and the replay command are printed
 * and appended to the error's message.
 */
export function withSeed<T>(body: (seed: number, prng: Prng) => T): T {
  const seed = resolveSeed();
  let result: T;
  try {
    result = body(seed, createPrng(seed));
  } catch (error) {
    return report(error, seed);
  }
  if (result instanceof Promise) return result.catch((error: unknown) => report(error, seed)) as T;
  return result;
}

/**
 * `fc.assert` with a seed from resolveSeed (unless `params.seed` is given),
 * reporting `SEED=<n>` and the replay command on failure. Returns a promise
 * for async properties.
 */
export function seededProperty<Ts>(property: fc.IAsyncProperty<Ts>, params?: fc.Parameters<Ts>): Promise<void>;
export function seededProperty<Ts>(property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>): void;
export function seededProperty<Ts>(property: fc.IRawProperty<Ts>, params: fc.Parameters<Ts> = {}): void | Promise<void> {
  const seed = params.seed ?? resolveSeed();
  try {
    const result = fc.assert(property as fc.IProperty<Ts>, { ...params, seed }) as void | Promise<void>;
    return result instanceof Promise ? result.catch((error: unknown) => report(error, seed)) : result;
  } catch (error) {
    return report(error, seed);
  }
}
