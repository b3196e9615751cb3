// Rules for pure cores: deterministic code that gets time, randomness, disk and
// network through ports. A pure core is any `src/core/` folder, or a whole
// project tagged `purity:pure` in its project.json.
import fs from 'node:fs';
import path from 'node:path';

const BANNED_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises',
  'net', 'node:net', 'dgram', 'node:dgram',
  'timers', 'node:timers', 'timers/promises', 'node:timers/promises',
  'tsyringe', '@grpc/grpc-js', '@tributary/testing',
];

const BANNED_GLOBALS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask'];

export const pureCoreRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: BANNED_MODULES.map((name) => ({
        name,
        message: 'Pure cores take I/O, time and DI through ports (Disk, Clock, Scheduler, Transport).',
      })),
    },
  ],
  'no-restricted-globals': [
    'error',
    ...BANNED_GLOBALS.map((name) => ({ name, message: 'Pure cores schedule through the Scheduler port.' })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Pure cores read time from the Clock port.' },
    { object: 'Math', property: 'random', message: 'Pure cores draw randomness from the Prng port.' },
    { object: 'performance', property: 'now', message: 'Pure cores read time from the Clock port.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure cores read time from the Clock port.' },
  ],
};

/** Globs of every pure-core file, from `purity:pure` project tags plus `src/core/` folders. */
export function pureCoreGlobs(workspaceRoot) {
  const globs = ['libs/**/src/core/**/*.ts'];
  for (const projectJson of findProjectJsons(path.join(workspaceRoot, 'libs'))) {
    const { tags = [] } = JSON.parse(fs.readFileSync(projectJson, 'utf8'));
    if (tags.includes('purity:pure')) {
      globs.push(`${path.relative(workspaceRoot, path.dirname(projectJson))}/src/**/*.ts`);
    }
  }
  return globs;
}

function findProjectJsons(dir) {
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (fs.existsSync(path.join(full, 'project.json'))) found.push(path.join(full, 'project.json'));
    found.push(...findProjectJsons(full));
  }
  return found;
}
