import { TributaryError } from '@tributary/errors';
import type { Scheduler } from '@tributary/util';

/**
 * Races `promise` against a timer on `scheduler`: after `timeoutMs` it rejects
 * with a retriable REQUEST_TIMED_OUT naming `what`. The timer is cancelled when
 * the promise settles first.
 */
export function withTimeout<T>(promise: Promise<T>, scheduler: Scheduler, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = scheduler.schedule(timeoutMs, () =>
      reject(new TributaryError('REQUEST_TIMED_OUT', `${what} timed out after ${timeoutMs} ms`)),
    );
    promise.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}

/** A TimeoutException-like error: the client gave up waiting (max.block.ms, close…). */
export function timeoutError(message: string): TributaryError {
  return new TributaryError('REQUEST_TIMED_OUT', message);
}
