// proto-gen: turns the native API's .proto files into the committed TypeScript.
//   run-ts tools/proto-gen/src/main.ts gen   <protoRoot> <outDir>   regenerate outDir
//   run-ts tools/proto-gen/src/main.ts check <protoRoot> <outDir>   fail if outDir is stale
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from './generate';
import { findProtoFiles, loadProtoRoot } from './load';

const FIX_COMMAND = 'npx nx run proto:gen';

function main(argv: string[]): number {
  const [mode, protoRootArg, outDir] = argv;
  if ((mode !== 'gen' && mode !== 'check') || protoRootArg === undefined || outDir === undefined) {
    console.error('usage: main.ts gen|check <protoRoot> <outDir>');
    return 2;
  }
  const protoRoot = path.resolve(protoRootArg);
  const files = findProtoFiles(protoRoot);
  const output = generate(loadProtoRoot(protoRoot, files), protoRoot);
  if (mode === 'gen') {
    fs.rmSync(outDir, { recursive: true, force: true });
    writeAll(outDir, output);
    console.log(`proto-gen: wrote ${output.size} files from ${files.length} .proto files to ${outDir}`);
    return 0;
  }
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-gen-'));
  try {
    writeAll(tempDir, output);
    const drift = compareTrees(tempDir, outDir);
    if (drift.length === 0) {
      console.log(`proto-gen: ${outDir} is up to date with ${files.length} .proto files`);
      return 0;
    }
    console.error(`proto-gen: the generated TypeScript in ${outDir} does not match the .proto files:`);
    for (const line of drift) console.error(`  ${line}`);
    console.error(`Run \`${FIX_COMMAND}\` and commit the result.`);
    return 1;
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function writeAll(dir: string, output: ReadonlyMap<string, string>): void {
  for (const [file, content] of output) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/** Differences between the fresh tree and the committed one, one line per file. */
function compareTrees(fresh: string, committed: string): string[] {
  const freshFiles = listFiles(fresh);
  const committedFiles = listFiles(committed);
  const drift: string[] = [];
  for (const file of freshFiles) {
    if (!committedFiles.includes(file)) drift.push(`missing: ${file}`);
    else if (fs.readFileSync(path.join(fresh, file), 'utf8') !== fs.readFileSync(path.join(committed, file), 'utf8')) drift.push(`stale:   ${file}`);
  }
  for (const file of committedFiles) if (!freshFiles.includes(file)) drift.push(`extra:   ${file}`);
  return drift;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

process.exitCode = main(process.argv.slice(2));
