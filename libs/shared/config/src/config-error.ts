import { TributaryError } from '@tributary/errors';

/** One thing wrong with a configuration: which property, which value, which rule. */
export interface ConfigProblem {
  /** Kafka property name, or the argument/variable name when no property could be named. */
  readonly name: string;
  /** The offending raw value; undefined when there is none (missing, unknown name). */
  readonly value?: string;
  /** Full human message naming the key, the value and the rule. */
  readonly message: string;
}

/**
 * Every configuration error: code INVALID_CONFIG (40), a message listing each
 * problem, and the problems themselves for per-key reporting (e.g. one
 * CreateTopics result per topic).
 */
export class InvalidConfigError extends TributaryError {
  override readonly name = 'InvalidConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('INVALID_CONFIG', InvalidConfigError.summarize(problems));
    this.problems = Object.freeze([...problems]);
  }

  private static summarize(problems: readonly ConfigProblem[]): string {
    if (problems.length === 1) return problems[0].message;
    return `${problems.length} configuration problems:\n${problems.map((p) => `- ${p.message}`).join('\n')}`;
  }
}

/** Throws one InvalidConfigError for all problems, if there are any. */
export function throwIfProblems(problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw new InvalidConfigError(problems);
}

/** Quotes a value for a message, hiding it when the property is sensitive. */
export function shown(value: string, sensitive: boolean): string {
  return sensitive ? '[hidden]' : `'${value}'`;
}
