/**
 * Value rules. A validator runs after type conversion; `describe` is the
 * Kafka-style text shown in the docs' "valid values" column and in error
 * messages, `check` returns the reason a value breaks the rule (or undefined).
 */
export interface Validator<T> {
  readonly describe: string;
  check(value: T): string | undefined;
}

/** n ≥ min, written `[min,...]` as Kafka does. */
export function atLeast(min: number): Validator<number | null> {
  return {
    describe: `[${min},...]`,
    check: (value) => (value !== null && value < min ? `must be at least ${min}` : undefined),
  };
}

/** min ≤ n ≤ max, written `[min,...,max]`. */
export function between(min: number, max: number): Validator<number | null> {
  return {
    describe: `[${min},...,${max}]`,
    check: (value) => (value !== null && (value < min || value > max) ? `must be between ${min} and ${max}` : undefined),
  };
}

/** A string that is not empty after trimming. */
export const nonEmptyString: Validator<string | null> = {
  describe: 'non-empty string',
  check: (value) => (value !== null && value.trim() === '' ? 'must not be empty' : undefined),
};

/** A list with at least one item. */
export const nonEmptyList: Validator<readonly string[] | null> = {
  describe: 'non-empty list',
  check: (value) => (value !== null && value.length === 0 ? 'must not be empty' : undefined),
};

/** A list whose items are distinct. */
export const distinctItems: Validator<readonly string[] | null> = {
  describe: 'no duplicates',
  check(value) {
    if (value === null) return undefined;
    const duplicate = value.find((item, i) => value.indexOf(item) !== i);
    return duplicate === undefined ? undefined : `must not repeat '${duplicate}'`;
  },
};

/** Each list item must satisfy `rule`; the reason names the item. */
export function eachItem(describe: string, rule: (item: string) => string | undefined): Validator<readonly string[] | null> {
  return {
    describe,
    check(value) {
      if (value === null) return undefined;
      for (const item of value) {
        const reason = rule(item);
        if (reason !== undefined) return `item '${item}' ${reason}`;
      }
      return undefined;
    },
  };
}

/** A rule of your own: `describe` for the docs, `check` returns a reason when the value is invalid. */
export function custom<T>(describe: string, check: (value: T) => string | undefined): Validator<T> {
  return { describe, check };
}
