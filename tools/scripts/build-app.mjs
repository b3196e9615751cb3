#!/usr/bin/env node
// Bundles an app's entry point into dist/apps/<app>/main.cjs with esbuild:
// @tributary/* libraries are bundled from source (tsconfig paths), npm
// packages stay external and load from node_modules.
//   node tools/scripts/build-app.mjs <app>     e.g. broker, admin
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds `apps/<app>/src/main.ts`; returns the bundle's path. */
export async function buildApp(app) {
  const outfile = path.join(workspaceRoot, 'dist', 'apps', app, 'main.cjs');
  await build({
    entryPoints: [path.join(workspaceRoot, 'apps', app, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    packages: 'external',
    tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = process.argv[2];
  if (!app) {
    console.error('usage: node tools/scripts/build-app.mjs <app>');
    process.exit(2);
  }
  console.log(await buildApp(app));
}
