import type { ConfigProblem } from './config-error';

/**
 * Where a value came from, with Kafka's DescribeConfigs numbering. A properties
 * file, environment variables and `--override` are all STATIC_BROKER_CONFIG;
 * `origin` on an entry says which one.
 */
export const ConfigSource = Object.freeze({
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const);

export type ConfigSourceName = keyof typeof ConfigSource;

/** One raw `name=value` from some source, before conversion. */
export interface RawEntry {
  readonly name: string;
  readonly value: string;
  /** Human description of where it was set: `server.properties line 3`, `env TRIBUTARY_LOG_DIRS`, `--override`. */
  readonly origin: string;
}

/** Raw entries of one source; layers are applied lowest precedence first. */
export interface Layer {
  readonly source: ConfigSourceName;
  readonly entries: readonly RawEntry[];
}

/** What the command line asked for. */
export interface ParsedArgs {
  readonly configFile?: string;
  readonly overrides: readonly RawEntry[];
  readonly problems: readonly ConfigProblem[];
}

/**
 * Reads `--config FILE` (or `--config=FILE`, or Kafka's form: the file as the
 * first positional argument) and repeated `--override key=value` (or
 * `--override=key=value`). The value is everything after the first `=`.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let configFile: string | undefined;
  const overrides: RawEntry[] = [];
  const problems: ConfigProblem[] = [];
  const usage = 'expected --config FILE and --override key=value';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--config' || flag === '--override') {
      const value = inline ?? argv[++i];
      if (value === undefined) {
        problems.push({ name: flag, message: `${flag} needs a value; ${usage}` });
      } else if (flag === '--config') {
        if (configFile !== undefined) problems.push({ name: flag, value, message: `--config given twice ('${configFile}' and '${value}')` });
        configFile = value;
      } else if (!value.includes('=')) {
        problems.push({ name: flag, value, message: `--override expects key=value, got '${value}'` });
      } else {
        const name = value.slice(0, value.indexOf('=')).trim();
        overrides.push({ name, value: value.slice(value.indexOf('=') + 1), origin: '--override' });
      }
    } else if (i === 0 && !arg.startsWith('-')) {
      configFile = arg;
    } else {
      problems.push({ name: arg, message: `unexpected argument '${arg}'; ${usage}` });
    }
  }
  return { ...(configFile === undefined ? {} : { configFile }), overrides, problems };
}

export const ENV_PREFIX = 'TRIBUTARY_';

/**
 * The environment variable for a property: `TRIBUTARY_` + the name upper-cased
 * with `.` → `_` and `-` → `__` (`log.dirs` → `TRIBUTARY_LOG_DIRS`).
 */
export function envVarName(name: string, prefix = ENV_PREFIX): string {
  return prefix + name.toUpperCase().replace(/-/g, '__').replace(/\./g, '_');
}

/** The property name a variable would stand for, by reversing `envVarName` (lower-case result). */
export function propertyNameFromEnv(variable: string, prefix = ENV_PREFIX): string {
  return variable.slice(prefix.length).toLowerCase().replace(/__/g, '-').replace(/_/g, '.');
}
