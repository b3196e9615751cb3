// Writes docs/configuration.md from the property declarations, or with
// --check fails when the committed file differs from what would be written.
//   node tools/scripts/run-ts.mjs libs/shared/config/scripts/config-docs.ts [--check]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DOCS_PATH, checkDocsFresh, renderConfigurationDocs } from '../src/docs';

function workspaceRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}

const target = path.join(workspaceRoot(process.cwd()), DOCS_PATH);
const generated = renderConfigurationDocs();
const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;

if (process.argv.includes('--check')) {
  const result = checkDocsFresh(committed, generated);
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  console.log(`${DOCS_PATH} is up to date.`);
} else if (committed === generated) {
  console.log(`${DOCS_PATH} is already up to date.`);
} else {
  writeFileSync(target, generated);
  console.log(`Wrote ${DOCS_PATH}.`);
}
