import { type ErrorCodeInfo, type ErrorCodeName, ErrorCode, errorCodeInfo } from './error-code';

/**
 * The one error type that crosses library boundaries: a Kafka error code plus
 * a human message. `retriable` comes from the code unless overridden.
 */
export class TributaryError extends Error {
  override readonly name: string = 'TributaryError';
  readonly code: number;
  readonly retriable: boolean;

  constructor(code: ErrorCodeName | number, message?: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    const info = typeof code === 'number' ? errorCodeInfo(code) : errorCodeInfo(ErrorCode[code]);
    super(message ?? info.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = info.code;
    this.retriable = options.retriable ?? info.retriable;
  }

  /** The code's name, e.g. `'CORRUPT_MESSAGE'`. */
  get codeName(): ErrorCodeName {
    return errorCodeInfo(this.code).name;
  }

  get info(): ErrorCodeInfo {
    return errorCodeInfo(this.code);
  }

  override toString(): string {
    return `${this.codeName}: ${this.message}`;
  }
}

export function isTributaryError(error: unknown): error is TributaryError {
  return error instanceof TributaryError;
}

/** Wraps anything thrown into a TributaryError, keeping typed errors as they are. */
export function toTributaryError(error: unknown, fallback: ErrorCodeName = 'UNKNOWN_SERVER_ERROR'): TributaryError {
  if (error instanceof TributaryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TributaryError(fallback, message, { cause: error });
}
