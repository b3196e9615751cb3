import { Readable } from 'node:stream';
import { TributaryError } from '@tributary/errors';
import type { CliIo, Command } from './command';
import { runCli } from './run-cli';
import { UsageError } from './usage-error';

function bufferIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([]),
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    signal: new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}

const failWith =
  (error: unknown): Command['run'] =>
  async () => {
    throw error;
  };

function command(path: string[], run: Command['run']): Command {
  return { spec: { path, summary: `${path.join(' ')} things`, positionals: [], options: {}, examples: [] }, run };
}

describe('runCli', () => {
  it('runs the command with the longest matching path and returns its status', async () => {
    const io = bufferIo();
    const commands = [command(['a'], async () => 3), command(['a', 'b'], async (cliIo) => (cliIo.stdout.write('ab\n'), 0))];
    expect(await runCli(['a', 'b'], commands, io)).toBe(0);
    expect(io.out()).toBe('ab\n');
  });

  it('prints the overview for --help (status 0) and without arguments (status 2)', async () => {
    const commands = [command(['x'], async () => 0)];
    const help = bufferIo();
    expect(await runCli(['--help'], commands, help)).toBe(0);
    expect(help.out()).toContain('  x  x things');
    expect(await runCli([], commands, bufferIo())).toBe(2);
  });

  it('turns every failure into one stderr line: usage errors exit 2, others 1', async () => {
    const cases: [unknown, number, string][] = [
      [new UsageError(undefined, 'bad flag'), 2, 'tributary: bad flag\n'],
      [new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', 'unknown topic t'), 1, 'tributary: unknown topic t (UNKNOWN_TOPIC_OR_PARTITION)\n'],
      [new TributaryError('INVALID_CONFIG', 'two\nlines'), 1, 'tributary: two lines (INVALID_CONFIG)\n'],
      [Object.assign(new Error("ENOENT: no such file, open 'x'"), { code: 'ENOENT' }), 1, "tributary: ENOENT: no such file, open 'x'\n"],
      [new TypeError('oops'), 1, 'tributary: unexpected error: oops\n'],
      ['a string', 1, 'tributary: unexpected error: a string\n'],
    ];
    for (const [error, status, line] of cases) {
      const io = bufferIo();
      expect(await runCli(['x'], [command(['x'], failWith(error))], io)).toBe(status);
      expect(io.err()).toBe(line);
    }
  });

  it('names unknown commands and subcommands', async () => {
    const commands = [command(['topics', 'list'], async () => 0)];
    const io = bufferIo();
    expect(await runCli(['nope'], commands, io)).toBe(2);
    expect(await runCli(['topics', 'lst'], commands, io)).toBe(2);
    expect(io.err()).toBe("tributary: unknown command 'nope' (see tributary --help)\ntributary: topics: unknown subcommand 'lst' (one of: list)\n");
  });
});
