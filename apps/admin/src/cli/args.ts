import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

/** One `--flag` of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable: every occurrence is kept, in order. */
  readonly multiple?: boolean;
  /** One-letter alias, e.g. `h` for `--help`. */
  readonly short?: string;
  /** Placeholder of the value in help, e.g. `N` or `HOST:PORT`. */
  readonly valueName?: string;
  /** The default shown in help; applied by the command, not the parser. */
  readonly defaultText?: string;
  readonly description: string;
}

/** Flags by name (without the leading `--`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What one command accepts, and its help text. */
export interface CommandSpec {
  /** The words that select it, e.g. `['topics', 'create']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments, e.g. `['NAME']`; a trailing `...` makes the last one repeatable. */
  readonly positionals: readonly string[];
  /** How many positionals are required (default: all of them). */
  readonly minPositionals?: number;
  readonly options: OptionSpecs;
  /** Complete command lines, shown under "Examples". */
  readonly examples: readonly string[];
}

/** Parsed options: strings, booleans, or lists of strings for `multiple` options; absent when not given. */
export type ParsedOptions = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** What `parseCommandArgs` returns: positionals in order and the flags given. */
export interface ParsedCommand {
  readonly positionals: readonly string[];
  readonly options: ParsedOptions;
}

/** Flags every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', description: 'Print this help and exit.' },
};

/** Flags of every command that talks to a broker. */
export const CONNECTION_OPTIONS: OptionSpecs = {
  'bootstrap-server': { type: 'string', valueName: 'HOST:PORT', defaultText: '127.0.0.1:9290', description: 'The broker to connect to.' },
  'api-timeout-ms': { type: 'string', valueName: 'MS', defaultText: '30000', description: 'How long a request to the cluster may take, retries included.' },
};

/**
 * Parses `argv` (the words after the command path) against `spec`, strictly:
 * unknown flags, missing values, a value for a boolean flag and a wrong number
 * of positionals are UsageErrors naming the problem.
 *
 * Kafka's tools take negative numbers as values (`--throughput -1`), which
 * node's parseArgs rejects as ambiguous, so a negative number after a string
 * flag is joined to it first (`--throughput=-1`).
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const options = { ...COMMON_OPTIONS, ...spec.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(argv, options),
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(spec, parseArgsMessage(error));
  }
  const values = parsed.values as ParsedOptions;
  if (values['help'] === true) return { positionals: parsed.positionals, options: values };
  const repeatable = spec.positionals.length > 0 && spec.positionals[spec.positionals.length - 1].endsWith('...');
  const min = spec.minPositionals ?? spec.positionals.length;
  const max = repeatable ? Number.POSITIVE_INFINITY : spec.positionals.length;
  if (parsed.positionals.length < min) {
    throw new UsageError(spec, `missing ${spec.positionals.slice(parsed.positionals.length, Math.max(min, 1)).join(' ')}`);
  }
  if (parsed.positionals.length > max) {
    throw new UsageError(spec, `unexpected argument '${parsed.positionals[max]}'`);
  }
  return { positionals: parsed.positionals, options: values };
}

function joinNegativeNumbers(argv: readonly string[], options: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    const next = argv[i + 1];
    const name = word.startsWith('--') ? word.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${word}=${next}`);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}

/** node's parseArgs messages span lines and suggest fixes; keep the first line, which names the flag. */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Some hosts (Jest's vm context) prefix the message with the error's name and code.
  const first = message.split('\n')[0].trim().replace(/^\w*Error \[ERR_[A-Z_]+\]: /, '');
  return first.replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
}

/** Formats the help text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const lines = [`Usage: tributary ${[...spec.path, ...spec.positionals].join(' ')} [options]`, '', spec.summary, '', 'Options:'];
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const extra = [o.multiple ? 'repeatable' : '', o.defaultText !== undefined ? `default: ${o.defaultText}` : ''].filter(Boolean).join('; ');
    return [flag, extra ? `${o.description} (${extra})` : o.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, description] of rows) lines.push(`  ${flag.padEnd(width)}  ${description}`);
  if (spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---- typed accessors: each names the flag in its error ----

/** A string flag's value, or `fallback`. */
export function stringOption(options: ParsedOptions, name: string, fallback: string): string;
export function stringOption(options: ParsedOptions, name: string): string | undefined;
export function stringOption(options: ParsedOptions, name: string, fallback?: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : fallback;
}

/** Whether a boolean flag was given. */
export function booleanOption(options: ParsedOptions, name: string): boolean {
  return options[name] === true;
}

/** Every value of a repeatable flag, in order. */
export function listOption(options: ParsedOptions, name: string): readonly string[] {
  const value = options[name];
  if (Array.isArray(value)) return value as readonly string[];
  return typeof value === 'string' ? [value] : [];
}

/** Inclusive bounds of an integer flag; safe-integer limits when absent. */
export interface IntegerBounds {
  readonly min?: number;
  readonly max?: number;
}

/** Parses a decimal integer flag value within bounds (inclusive). */
export function parseInteger(text: string, what: string, bounds: IntegerBounds = {}): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(undefined, `${what} must be an integer, got '${text}'`);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value)) throw new UsageError(undefined, `${what} ${text} is out of range`);
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (value < min || value > max) {
    throw new UsageError(undefined, `${what} must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`}, got ${value}`);
  }
  return value;
}

/** An integer flag's value, or `fallback` when the flag was not given. */
export function integerOption(options: ParsedOptions, name: string, fallback: number, bounds?: IntegerBounds): number;
export function integerOption(options: ParsedOptions, name: string, fallback: undefined, bounds?: IntegerBounds): number | undefined;
export function integerOption(options: ParsedOptions, name: string, fallback: number | undefined, bounds: IntegerBounds = {}): number | undefined {
  const text = stringOption(options, name);
  return text === undefined ? fallback : parseInteger(text, `--${name}`, bounds);
}

/** An integer flag that must be given. */
export function requiredIntegerOption(options: ParsedOptions, name: string, bounds: IntegerBounds = {}): number {
  const value = integerOption(options, name, undefined, bounds);
  if (value === undefined) throw new UsageError(undefined, `--${name} is required`);
  return value;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(options: ParsedOptions, name: string, choices: readonly T[], fallback: T): T {
  const value = stringOption(options, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(undefined, `--${name} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * Parses `key=value` words (configs, headers). The value may contain `=`;
 * the key may not be empty. Without `=`, the value is null when
 * `allowMissingValue` (a header with a null value), else a UsageError.
 */
export function parseKeyValues(words: readonly string[], what: string, allowMissingValue = false): { key: string; value: string | null }[] {
  return words.map((word) => {
    const at = word.indexOf('=');
    if (at < 0 && allowMissingValue && word.length > 0) return { key: word, value: null };
    if (at <= 0) throw new UsageError(undefined, `${what} must look like key=value, got '${word}'`);
    return { key: word.slice(0, at), value: word.slice(at + 1) };
  });
}

/** `HOST:PORT` with a port in 1..65535; IPv6 hosts in brackets. */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(undefined, `--bootstrap-server must be HOST:PORT, got '${text}'`);
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new UsageError(undefined, `--bootstrap-server port must be 1..65535, got ${port}`);
  return { host: match[1], port };
}
