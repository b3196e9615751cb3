import type { PluginKind } from '@tributary/plugins-api';
import { type ErrorCodeName, TributaryError } from '@tributary/errors';

/** What went wrong, which also decides the Kafka error code. */
export type PluginFailure =
  | 'not-found'
  | 'manifest'
  | 'import'
  | 'invalid'
  | 'duplicate'
  | 'unknown-plugin'
  | 'api-version'
  | 'threw'
  | 'invalid-result'
  | 'timeout';

/**
 * Kafka codes per failure:
 * - loading and configuration mistakes (package missing, bad manifest, bad
 *   export, duplicate or unknown name) are INVALID_CONFIG (40): the operator's
 *   plugin configuration is wrong, and retrying cannot fix it;
 * - an apiVersion the host cannot run is UNSUPPORTED_VERSION (35), Kafka's
 *   code for "the version is not supported";
 * - a hook that throws or returns garbage is UNKNOWN_SERVER_ERROR (-1), the
 *   code Kafka gives any unexpected exception from pluggable code; it is not
 *   retriable, since a buggy plugin fails the same way again (the original
 *   error is kept as `cause`);
 * - a hook that misses its deadline is REQUEST_TIMED_OUT (7), retriable.
 */
const CODES: Record<PluginFailure, ErrorCodeName> = {
  'not-found': 'INVALID_CONFIG',
  manifest: 'INVALID_CONFIG',
  import: 'INVALID_CONFIG',
  invalid: 'INVALID_CONFIG',
  duplicate: 'INVALID_CONFIG',
  'unknown-plugin': 'INVALID_CONFIG',
  'api-version': 'UNSUPPORTED_VERSION',
  threw: 'UNKNOWN_SERVER_ERROR',
  'invalid-result': 'UNKNOWN_SERVER_ERROR',
  timeout: 'REQUEST_TIMED_OUT',
};

export interface PluginErrorDetails {
  readonly pluginName?: string;
  readonly pluginKind?: PluginKind;
  /** The hook that failed (`partition`, `onSend`, `create` …), for runtime failures. */
  readonly hook?: string;
  /** The spec (package name or path) being loaded, for load failures. */
  readonly spec?: string;
  readonly cause?: unknown;
}

/** A plugin failed to load or misbehaved at run time. */
export class PluginError extends TributaryError {
  override readonly name: string = 'PluginError';
  readonly failure: PluginFailure;
  readonly pluginName: string | undefined;
  readonly pluginKind: PluginKind | undefined;
  readonly hook: string | undefined;
  readonly spec: string | undefined;

  constructor(failure: PluginFailure, message: string, details: PluginErrorDetails = {}) {
    super(CODES[failure], message, details.cause === undefined ? {} : { cause: details.cause });
    this.failure = failure;
    this.pluginName = details.pluginName;
    this.pluginKind = details.pluginKind;
    this.hook = details.hook;
    this.spec = details.spec;
  }
}

export function isPluginError(error: unknown): error is PluginError {
  return error instanceof PluginError;
}
