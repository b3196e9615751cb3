// The `tributary` CLI entry point (bundled to dist/apps/admin/main.cjs; bin/tributary.cjs runs it).
import { runCli } from './cli/run-cli';
import { ALL_COMMANDS } from './commands/all-commands';

// `tributary ... | head` closes stdout early; that is the reader's choice, not a failure to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void runCli(process.argv.slice(2), ALL_COMMANDS, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then((status) => {
  // Exit now: a client connection or timer left open must not keep a finished command alive.
  // stdout and stderr are synchronous for files and pipes on Linux, so nothing written is lost.
  process.exit(status);
});
