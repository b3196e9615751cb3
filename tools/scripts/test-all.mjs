#!/usr/bin/env node
// `npm test`: lint, type-check, test and check every project through Nx, then
// print one closing line that adds up every jest run: "Tests: N passed, N failed".
import { spawn } from 'node:child_process';

const TARGETS = ['lint', 'typecheck', 'test', 'check'];
const args = ['nx', 'run-many', '-t', ...TARGETS, '--parallel=2', '--outputStyle=static', ...process.argv.slice(2)];

const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
let passed = 0;
let failed = 0;
let skipped = 0;
let pending = '';

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) countJestSummary(line);
});

function countJestSummary(rawLine) {
  // eslint-disable-next-line no-control-regex
  const line = rawLine.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /^\s*Tests:\s+(.*)$/.exec(line);
  if (!match) return;
  for (const part of match[1].split(',')) {
    const [count, kind] = part.trim().split(/\s+/);
    if (kind === 'passed') passed += Number(count);
    else if (kind === 'failed') failed += Number(count);
    else if (kind === 'skipped' || kind === 'todo') skipped += Number(count);
  }
}

child.on('close', (code) => {
  if (pending) countJestSummary(pending);
  console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});
