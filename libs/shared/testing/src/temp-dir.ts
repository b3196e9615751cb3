import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_ROOT, forgetDirectory, guardDirectory } from './janitor';
import { trackResource } from './lifecycle';

/** A directory under the OS temp directory that is removed after the test. */
export interface TempDir {
  /** Absolute path, symlinks resolved. */
  readonly path: string;
  /** A path inside the directory. */
  join(...parts: string[]): string;
  /** Removes it now; idempotent. */
  dispose(): Promise<void>;
}

/** The number of times removal is retried (Windows and NFS can briefly hold files open). */
const REMOVE_RETRIES = 3;

/**
 * Creates `<tmp>/tributary-<prefix>-XXXXXX`. Removed in afterEach when made
 * during a test (or its beforeEach), else in afterAll; also by `dispose()`,
 * at process exit, and by the janitor if the test process dies.
 */
export function createTempDir(prefix = 'test'): TempDir {
  const safe = prefix.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  const dir = mkdtempSync(path.join(TEMP_ROOT, `tributary-${safe}-`));
  guardDirectory(dir);
  let disposed = false;
  const untrack = trackResource({
    description: `temp dir ${dir}`,
    order: 1,
    release: () => tempDir.dispose(),
    releaseSync: () => rmSync(dir, { recursive: true, force: true }),
  });
  const tempDir: TempDir = {
    path: dir,
    join: (...parts) => path.join(dir, ...parts),
    async dispose() {
      if (disposed) return;
      disposed = true;
      untrack();
      await rm(dir, { recursive: true, force: true, maxRetries: REMOVE_RETRIES });
      forgetDirectory(dir);
    },
  };
  return tempDir;
}

/**
 * Declares a fresh temp dir per test for the enclosing describe block. It is
 * created in beforeEach and removed by the library's own afterEach, which Jest
 * runs after the block's afterEach hooks, so those may still use it. Read
 * `.path` inside tests and hooks only.
 */
export function useTempDir(prefix = 'test'): { readonly path: string; join(...parts: string[]): string } {
  let current: TempDir | undefined;
  beforeEach(() => {
    current = createTempDir(prefix);
  });
  const get = (): TempDir => {
    if (current === undefined) throw new Error('useTempDir().path is only available inside a test');
    return current;
  };
  return {
    get path() {
      return get().path;
    },
    join: (...parts) => get().join(...parts),
  };
}
