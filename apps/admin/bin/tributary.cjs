#!/usr/bin/env node
// The `tributary` command. Runs the bundled CLI (dist/apps/admin/main.cjs),
// first (re)building it with tools/scripts/build-app.mjs when it is missing or
// older than any TypeScript source it bundles, so `npx tributary` works right
// after `npm ci` with no build step (an esbuild bundle takes well under a second).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const workspaceRoot = path.resolve(__dirname, '..', '..', '..');
const bundle = path.join(workspaceRoot, 'dist', 'apps', 'admin', 'main.cjs');
// The bundle inlines the app and every @tributary/* library from source.
const sourceRoots = [path.join(workspaceRoot, 'apps', 'admin', 'src'), path.join(workspaceRoot, 'libs')];

/** Newest mtime (ms) of a .ts file under `dir`, skipping node_modules; 0 when there is none. */
function newestSourceMtimeMs(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtimeMs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsStale() {
  let builtMs;
  try {
    builtMs = fs.statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  // Without the sources (an installed copy of dist only) the bundle is all there is.
  return sourceRoots.some((root) => newestSourceMtimeMs(root) > builtMs);
}

if (bundleIsStale()) {
  const script = path.join(workspaceRoot, 'tools', 'scripts', 'build-app.mjs');
  const built = spawnSync(process.execPath, [script, 'admin'], { cwd: workspaceRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write(`tributary: could not build ${path.relative(workspaceRoot, bundle)} (node ${path.relative(workspaceRoot, script)} admin failed)\n`);
    process.exit(1);
  }
}

require(bundle);
