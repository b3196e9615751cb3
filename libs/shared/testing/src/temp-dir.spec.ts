import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTempDir, useTempDir } from './temp-dir';

describe('createTempDir', () => {
  it('creates a private directory under the OS temp dir, named after the prefix', () => {
    const dir = createTempDir('storage log/1');
    expect(path.dirname(dir.path)).toBe(realpathSync(tmpdir()));
    expect(path.basename(dir.path)).toMatch(/^tributary-storage_log_1-[A-Za-z0-9]{6}$/);
    writeFileSync(dir.join('a.txt'), 'x');
    expect(readFileSync(path.join(dir.path, 'a.txt'), 'utf8')).toBe('x');
  });

  it('is removed, contents and all, by dispose(), which is idempotent', async () => {
    const dir = createTempDir();
    writeFileSync(dir.join('f'), 'x');
    await dir.dispose();
    expect(existsSync(dir.path)).toBe(false);
    await dir.dispose();
  });

  it('gives distinct directories', () => {
    expect(createTempDir('same').path).not.toBe(createTempDir('same').path);
  });
});

describe('temp dir lifetime', () => {
  let fromTest: string | undefined;
  let fromBeforeEach: string | undefined;
  let fromBeforeAll: string | undefined;

  beforeAll(() => {
    fromBeforeAll = createTempDir('all').path;
  });

  beforeEach(() => {
    fromBeforeEach = createTempDir('each').path;
  });

  it('leaves directories behind at the end of a test (on purpose)', () => {
    fromTest = createTempDir('leak').path;
    expect(existsSync(fromTest)).toBe(true);
  });

  it('has removed those made in the previous test and its beforeEach, but not in beforeAll', () => {
    expect(existsSync(fromTest as string)).toBe(false);
    expect(fromBeforeEach).toBeDefined();
    expect(existsSync(fromBeforeEach as string)).toBe(true);
    expect(existsSync(fromBeforeAll as string)).toBe(true);
  });
});

describe('useTempDir', () => {
  const dir = useTempDir('per-test');
  const seen: string[] = [];

  afterEach(() => {
    // The block's own afterEach still sees the directory (e.g. to close a log in it).
    writeFileSync(dir.join('closed'), 'ok');
    seen.push(dir.path);
  });

  it('gives each test a fresh directory', () => {
    expect(existsSync(dir.path)).toBe(true);
  });

  it('and removes the previous one', () => {
    expect(seen).toHaveLength(1);
    expect(existsSync(seen[0])).toBe(false);
    expect(dir.path).not.toBe(seen[0]);
  });
});
