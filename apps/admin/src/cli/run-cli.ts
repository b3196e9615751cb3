import { isTributaryError } from '@tributary/errors';
import { formatHelp, parseCommandArgs } from './args';
import type { CliIo, Command } from './command';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';

/** Exit status of a command that failed at run time (the broker refused, a record failed, I/O). */
export const FAILURE_EXIT_CODE = 1;

/**
 * Runs one command line: picks the command whose words start `argv` (the
 * longest match), parses its flags, runs it and returns the exit status.
 * Never throws: every failure becomes one stderr line `tributary: <reason>`
 * (a stack trace only with TRIBUTARY_DEBUG=1), exit status 2 for usage errors
 * and 1 for everything else.
 */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(formatOverview(commands));
      return argv.length === 0 ? USAGE_EXIT_CODE : 0;
    }
    const command = findCommand(argv, commands);
    const parsed = parseCommandArgs(command.spec, argv.slice(command.spec.path.length));
    if (parsed.options['help'] === true) {
      io.stdout.write(formatHelp(command.spec));
      return 0;
    }
    return await command.run(io, parsed);
  } catch (error) {
    io.stderr.write(`tributary: ${describeFailure(error)}\n`);
    if (io.env['TRIBUTARY_DEBUG'] === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? USAGE_EXIT_CODE : FAILURE_EXIT_CODE;
  }
}

function findCommand(argv: readonly string[], commands: readonly Command[]): Command {
  let best: Command | undefined;
  for (const command of commands) {
    const { path } = command.spec;
    if (path.every((word, i) => argv[i] === word) && (best === undefined || path.length > best.spec.path.length)) best = command;
  }
  if (best !== undefined) return best;
  const group = commands.filter((c) => c.spec.path[0] === argv[0]);
  if (group.length > 0) {
    const choices = group.map((c) => c.spec.path.slice(1).join(' ')).join(', ');
    const sub = argv[1] === undefined || argv[1].startsWith('-') ? 'a subcommand is required' : `unknown subcommand '${argv[1]}'`;
    throw new UsageError(undefined, `${argv[0]}: ${sub} (one of: ${choices})`);
  }
  throw new UsageError(undefined, `unknown command '${argv[0]}' (see tributary --help)`);
}

/** One line, whatever the error: the message of a TributaryError with its Kafka code name, else the message. */
export function describeFailure(error: unknown): string {
  let text: string;
  if (error instanceof UsageError) {
    text = error.command ? `${error.message} (see tributary ${error.command.path.join(' ')} --help)` : error.message;
  } else if (isTributaryError(error)) {
    text = `${error.message} (${error.codeName})`;
  } else if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    text = code ? `${error.message}` : `unexpected error: ${error.message}`;
  } else {
    text = `unexpected error: ${String(error)}`;
  }
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function formatOverview(commands: readonly Command[]): string {
  const rows = commands.map((c) => [c.spec.path.join(' '), c.spec.summary] as const);
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    'Usage: tributary <command> [options]',
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    "Run 'tributary <command> --help' for a command's options and examples.",
  ];
  return `${lines.join('\n')}\n`;
}
