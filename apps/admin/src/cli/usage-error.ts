import { TributaryError } from '@tributary/errors';
import type { CommandSpec } from './args';

/** Exit status of a command line the CLI cannot run (bad flags, bad values), as in most Unix tools. */
export const USAGE_EXIT_CODE = 2;

/**
 * A command line that is wrong before anything is sent: INVALID_REQUEST, with
 * the command whose help would explain it (when known), so the CLI can say
 * `tributary: <reason>` and point at `--help`.
 */
export class UsageError extends TributaryError {
  override readonly name = 'UsageError';

  constructor(
    readonly command: CommandSpec | undefined,
    message: string,
  ) {
    super('INVALID_REQUEST', message);
  }
}
