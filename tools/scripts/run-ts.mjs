#!/usr/bin/env node
// Runs a TypeScript entry point (benchmarks, tools): bundles it with esbuild,
// resolving @tributary/* through tsconfig paths and leaving npm packages
// external, then runs the bundle in this process with the remaining arguments.
//   node tools/scripts/run-ts.mjs <entry.ts> [args...]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const entryPath = path.resolve(entry);
const tag = createHash('sha1').update(entryPath).digest('hex').slice(0, 12);
const outfile = path.join(workspaceRoot, 'tmp', 'run-ts', `${path.basename(entryPath, '.ts')}-${tag}.cjs`);

await build({
  entryPoints: [entryPath],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  packages: 'external',
  tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
  logLevel: 'warning',
});

process.argv = [process.argv[0], entryPath, ...rest];
await import(pathToFileURL(outfile).href);
