import { execFile } from 'node:child_process';
import path from 'node:path';

// Proves the boundaries are enforced: each snippet is linted as if it lived at
// the given path, and must fail with the named rule.
const workspaceRoot = path.resolve(__dirname, '../..');

const ESLINT_BIN = path.join(workspaceRoot, 'node_modules/.bin/eslint');

/** Lints `code` through the real CLI and config (jest's VM cannot load the ESM config in-process). */
function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      ESLINT_BIN,
      ['--format', 'json', '--stdin', '--stdin-filename', path.join(workspaceRoot, filePath)],
      { cwd: workspaceRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && error.code !== 1) return reject(new Error(`eslint failed: ${stderr || error.message}`));
        const [result] = JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[];
        resolve(result.messages.map((m) => m.ruleId ?? m.message));
      },
    );
    child.stdin?.end(code);
  });
}

describe('lint boundaries', () => {
  it('rejects an import the library map forbids (storage → rpc)', async () => {
    const ids = await ruleIdsFor("import { x } from '@tributary/rpc';\nexport const y = x;\n", 'libs/storage/src/forbidden.ts');
    expect(ids).toContain('@nx/enforce-module-boundaries');
  });

  it('accepts an import the library map allows (storage → records)', async () => {
    const ids = await ruleIdsFor("import { LOG_OVERHEAD } from '@tributary/records';\nexport const y = LOG_OVERHEAD;\n", 'libs/storage/src/allowed.ts');
    expect(ids).toEqual([]);
  });

  it('rejects node:fs, timers, Date.now and Math.random in a pure project', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      'export const a = readFileSync;',
      'export const b = Date.now();',
      'export const c = Math.random();',
      'export const d = setTimeout(() => undefined, 1);',
    ].join('\n');
    const ids = await ruleIdsFor(code, 'libs/shared/errors/src/impure.ts');
    expect(ids).toEqual(
      expect.arrayContaining(['no-restricted-imports', 'no-restricted-properties', 'no-restricted-globals']),
    );
    expect(ids.filter((id) => id === 'no-restricted-properties')).toHaveLength(2);
  });

  it('rejects tsyringe and grpc-js in any src/core folder', async () => {
    const code = "import { container } from 'tsyringe';\nimport * as grpc from '@grpc/grpc-js';\nexport const x = [container, grpc];\n";
    const ids = await ruleIdsFor(code, 'libs/storage/src/core/impure.ts');
    expect(ids.filter((id) => id === 'no-restricted-imports')).toHaveLength(2);
  });

  it('rejects the testing library outside tests', async () => {
    const ids = await ruleIdsFor("import { x } from '@tributary/testing';\nexport const y = x;\n", 'libs/records/src/uses-testing.ts');
    expect(ids).toContain('no-restricted-imports');
  });
});
