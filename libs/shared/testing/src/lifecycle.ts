import { closeJanitor } from './janitor';

/** Something a test created that must not outlive it (a process, a temp dir). */
export interface TestResource {
  readonly description: string;
  /** Lower runs first: processes (0) stop before their directories (1) are removed. */
  readonly order: number;
  /** Releases it; idempotent. */
  release(): Promise<void>;
  /** Best-effort synchronous release for process exit. */
  releaseSync(): void;
}

/** Whether a resource lives for one test or for the whole file (created in beforeAll or at collection). */
export type ResourceScope = 'test' | 'file';

type Hook = (fn: () => unknown) => void;
interface JestHooks {
  beforeEach: Hook;
  afterEach: Hook;
  afterAll: Hook;
}

const resources: Record<ResourceScope, Set<TestResource>> = { test: new Set(), file: new Set() };
let inTest = false;

/**
 * The current scope: 'test' from the first beforeEach of a test to its last
 * afterEach, else 'file'. Outside Jest everything is 'file' scoped.
 */
export function currentScope(): ResourceScope {
  return inTest ? 'test' : 'file';
}

/** Tracks a resource in the current scope; the returned function stops tracking it (after an explicit release). */
export function trackResource(resource: TestResource): () => void {
  const set = resources[currentScope()];
  set.add(resource);
  return () => {
    resources.test.delete(resource);
    resources.file.delete(resource);
  };
}

/** Releases every resource of a scope, processes first, newest first; reports all failures at once. */
export async function releaseScope(scope: ResourceScope): Promise<void> {
  const pending = [...resources[scope]].reverse().sort((a, b) => a.order - b.order);
  resources[scope].clear();
  const failures: unknown[] = [];
  for (const resource of pending) {
    try {
      await resource.release();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `could not release ${failures.length} test resource(s)`);
}

function releaseAllSync(): void {
  for (const scope of ['test', 'file'] as const) {
    for (const resource of resources[scope]) {
      try {
        resource.releaseSync();
      } catch {
        // Exiting anyway; the janitor is the last line of defence.
      }
    }
    resources[scope].clear();
  }
}

/**
 * Under Jest, registers the library's hooks when this module is first
 * imported by a test file: resources created during a test are released in
 * afterEach, the rest in afterAll. Jest runs hooks of nested describe blocks
 * before these and top-level hooks declared later in the file after them.
 */
function installJestHooks(hooks: JestHooks): void {
  hooks.beforeEach(() => {
    inTest = true;
  });
  hooks.afterEach(async () => {
    inTest = false;
    await releaseScope('test');
  });
  hooks.afterAll(async () => {
    try {
      await releaseScope('test');
      await releaseScope('file');
    } finally {
      closeJanitor();
    }
  });
}

const globals = globalThis as unknown as Partial<JestHooks>;
if (typeof globals.beforeEach === 'function' && typeof globals.afterEach === 'function' && typeof globals.afterAll === 'function') {
  installJestHooks(globals as JestHooks);
}
process.once('exit', releaseAllSync);
