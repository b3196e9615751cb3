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

// Several `tributary` processes may start at once (scripts, parallel tests) while the bundle is
// stale: one builds under a lock directory (mkdir is atomic) and the others wait for it, so
// nobody loads a half-written bundle. A lock older than BUILD_LOCK_STALE_MS is from a build that died.
const lockDir = `${bundle}.lock`;
const BUILD_LOCK_STALE_MS = 60_000;
const LOCK_POLL_MS = 50;

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lockAgeMs() {
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs;
  } catch {
    return undefined;
  }
}

function build() {
  const script = path.join(workspaceRoot, 'tools', 'scripts', 'build-app.mjs');
  const built = spawnSync(process.execPath, [script, 'admin'], { cwd: workspaceRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write(`tributary: could not build ${path.relative(workspaceRoot, bundle)} (node ${path.relative(workspaceRoot, script)} admin failed)\n`);
    process.exit(1);
  }
}

for (;;) {
  const age = lockAgeMs();
  if (age !== undefined && age < BUILD_LOCK_STALE_MS) {
    sleepMs(LOCK_POLL_MS);
    continue;
  }
  if (age !== undefined) fs.rmSync(lockDir, { recursive: true, force: true });
  if (!bundleIsStale()) {
    // A build that started after the check above would hold the lock by now.
    if (lockAgeMs() === undefined) break;
    continue;
  }
  try {
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    fs.mkdirSync(lockDir);
  } catch (error) {
    if (error.code === 'EEXIST') continue;
    throw error;
  }
  try {
    if (bundleIsStale()) build();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
  break;
}

require(bundle);
