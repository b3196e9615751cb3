/** Thrown when an invariant is broken: a bug, never an expected outcome. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/**
 * Checks an invariant. A failure is a bug and must crash loudly; expected
 * outcomes are returned as results or typed errors instead.
 */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === 'function' ? message() : message);
  }
}

/** Marks a branch the type system proves unreachable. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${String(value)}`);
}

/** Asserts that `value` is a safe integer within [min, max]; returns it. */
export function assertSafeInteger(value: number, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  assert(Number.isSafeInteger(value) && value >= min && value <= max, () => `${what} must be a safe integer in [${min}, ${max}], got ${value}`);
  return value;
}
