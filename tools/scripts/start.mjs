#!/usr/bin/env node
// `npm start`: builds the broker bundle (esbuild, a second or two) and runs a
// single-node cluster (node.id=1, process.roles=broker,controller, log.dirs=./data,
// native gRPC on 127.0.0.1:9290). Arguments pass through to the broker, and
// come after the defaults here, so they win:
//   npm start -- --override log.dirs=/tmp/t --override listeners=grpc://127.0.0.1:0
import { spawn } from 'node:child_process';
import { buildApp, workspaceRoot } from './build-app.mjs';

const DEFAULTS = ['--override', 'listeners=GRPC://127.0.0.1:9290,CONTROLLER://127.0.0.1:9291', '--override', 'log.dirs=./data'];
const HOW_TO = `
Produce and consume with the CLI (in another terminal):
  npx tributary topics create demo --partitions 3
  echo hello | npx tributary produce demo
  npx tributary consume demo --from-beginning --max-messages 1
Stop the broker with Ctrl-C (clean shutdown; the next start skips recovery).
`;

const bundle = await buildApp('broker');
const child = spawn(process.execPath, ['--enable-source-maps', bundle, ...DEFAULTS, ...process.argv.slice(2)], {
  cwd: workspaceRoot,
  stdio: ['inherit', 'pipe', 'inherit'],
});
let printed = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!printed && /\bready\b.*grpc=/.test(String(chunk))) {
    printed = true;
    process.stdout.write(HOW_TO);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
