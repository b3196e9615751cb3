import { type CommandSpec, formatHelp, parseCommandArgs, parseHostPort, parseInteger, parseKeyValues } from './args';
import { UsageError } from './usage-error';

const spec: CommandSpec = {
  path: ['demo', 'run'],
  summary: 'A demo command.',
  positionals: ['NAME'],
  options: {
    count: { type: 'string', valueName: 'N', description: 'How many.' },
    tag: { type: 'string', multiple: true, description: 'A tag.' },
    verbose: { type: 'boolean', short: 'v', description: 'Talk more.' },
  },
  examples: ['tributary demo run x --count 3'],
};

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommandArgs', () => {
  it('parses positionals, strings, repeatable and boolean flags', () => {
    expect(parseCommandArgs(spec, ['x', '--count', '3', '--tag', 'a', '--tag=b', '-v'])).toEqual({
      positionals: ['x'],
      options: { count: '3', tag: ['a', 'b'], verbose: true },
    });
  });

  it('takes a negative number as the value of a string flag, as Kafka tools do', () => {
    expect(parseCommandArgs(spec, ['x', '--count', '-1']).options['count']).toBe('-1');
    expect(parseCommandArgs(spec, ['x', '--count=-5']).options['count']).toBe('-5');
  });

  it('rejects unknown flags, missing values, wrong positional counts with one-line reasons', () => {
    expect(usageMessage(() => parseCommandArgs(spec, ['x', '--nope']))).toBe("Unknown option '--nope'");
    expect(usageMessage(() => parseCommandArgs(spec, ['x', '--count']))).toMatch(/^Option '--count <value>' argument missing$/);
    expect(usageMessage(() => parseCommandArgs(spec, []))).toBe('missing NAME');
    expect(usageMessage(() => parseCommandArgs(spec, ['x', 'y']))).toBe("unexpected argument 'y'");
    expect(usageMessage(() => parseCommandArgs(spec, ['x', '--verbose=yes']))).toMatch(/--verbose/);
    for (const message of [usageMessage(() => parseCommandArgs(spec, ['x', '--nope']))]) expect(message).not.toContain('\n');
  });

  it('accepts --help without the required positionals', () => {
    expect(parseCommandArgs(spec, ['--help']).options['help']).toBe(true);
    expect(parseCommandArgs(spec, ['-h']).options['help']).toBe(true);
  });

  it('accepts any number of FILE... positionals, at least one', () => {
    const files: CommandSpec = { ...spec, positionals: ['FILE...'] };
    expect(parseCommandArgs(files, ['a', 'b', 'c']).positionals).toEqual(['a', 'b', 'c']);
    expect(usageMessage(() => parseCommandArgs(files, []))).toBe('missing FILE...');
  });
});

describe('value parsers', () => {
  it('parseInteger checks syntax, safety and bounds', () => {
    expect(parseInteger('42', '--n')).toBe(42);
    expect(parseInteger('-1', '--n', { min: -1 })).toBe(-1);
    expect(usageMessage(() => parseInteger('4x', '--n'))).toBe("--n must be an integer, got '4x'");
    expect(usageMessage(() => parseInteger('1.5', '--n'))).toBe("--n must be an integer, got '1.5'");
    expect(usageMessage(() => parseInteger('99999999999999999999', '--n'))).toBe('--n 99999999999999999999 is out of range');
    expect(usageMessage(() => parseInteger('0', '--n', { min: 1 }))).toBe('--n must be at least 1, got 0');
    expect(usageMessage(() => parseInteger('9', '--n', { min: 1, max: 5 }))).toBe('--n must be between 1 and 5, got 9');
  });

  it('parseKeyValues splits at the first =, keeps = in values, and allows bare keys only when asked', () => {
    expect(parseKeyValues(['a=b', 'url=x=y', 'empty='], '--config')).toEqual([
      { key: 'a', value: 'b' },
      { key: 'url', value: 'x=y' },
      { key: 'empty', value: '' },
    ]);
    expect(parseKeyValues(['flag'], '--header', true)).toEqual([{ key: 'flag', value: null }]);
    expect(usageMessage(() => parseKeyValues(['flag'], '--config'))).toBe("--config must look like key=value, got 'flag'");
    expect(usageMessage(() => parseKeyValues(['=v'], '--config'))).toBe("--config must look like key=value, got '=v'");
  });

  it('parseHostPort accepts HOST:PORT and bracketed IPv6 only', () => {
    expect(parseHostPort('127.0.0.1:9290')).toEqual({ host: '127.0.0.1', port: 9290 });
    expect(parseHostPort('[::1]:9290')).toEqual({ host: '[::1]', port: 9290 });
    expect(usageMessage(() => parseHostPort('localhost'))).toMatch(/HOST:PORT/);
    expect(usageMessage(() => parseHostPort('h:0'))).toMatch(/1\.\.65535/);
    expect(usageMessage(() => parseHostPort('h:70000'))).toMatch(/1\.\.65535/);
  });
});

describe('formatHelp', () => {
  it('lists usage, every flag with its value name and notes, and the examples', () => {
    const help = formatHelp(spec);
    expect(help).toContain('Usage: tributary demo run NAME [options]');
    expect(help).toMatch(/--count N\s+How many\./);
    expect(help).toMatch(/--tag VALUE\s+A tag\. \(repeatable\)/);
    expect(help).toMatch(/-v, --verbose\s+Talk more\./);
    expect(help).toMatch(/-h, --help\s+Print this help and exit\./);
    expect(help).toContain('Examples:\n  tributary demo run x --count 3\n');
  });
});
