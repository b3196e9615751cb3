// The `tributary` CLI entry point (bundled to dist/apps/admin/main.cjs; bin/tributary.cjs runs it).
import { runCli } from './cli/run-cli';
import { ALL_COMMANDS } from './commands/all-commands';

// `tributary ... | head` closes stdout early; that is the reader's choice, not a failure to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C asks a long-running command to stop cleanly; a second one exits at once.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
}

// If the event loop empties before the command settles (a promise nobody will ever resolve),
// Node would exit with status 0; that must read as the failure it is.
process.on('beforeExit', () => {
  process.stderr.write('tributary: internal error: the command stopped before it finished\n');
  process.exit(70);
});

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal };
void runCli(process.argv.slice(2), ALL_COMMANDS, io).then((status) => {
  // Exit explicitly: a client connection or timer left open must not keep a finished command
  // alive. But first let stdout drain: a large output into a slow pipe may still be queued, and
  // process.exit would drop it. The callback of an empty write runs after every earlier write.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
});
