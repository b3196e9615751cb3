/**
 * Keeps the Node process alive while a client has work a caller waits for
 * (pending sends, a poll, an admin call). The scheduler's timers are unref'd,
 * so without this a process whose only pending work is a client waiting out
 * a backoff or linger would exit under it; an idle client never holds it.
 */
export interface KeepAlive {
  hold(): void;
  release(): void;
}

/** For injected schedulers (tests, simulations): the caller owns the process's lifetime. */
export const NO_KEEP_ALIVE: KeepAlive = { hold: () => undefined, release: () => undefined };

/** One ref'd interval while anything is held. */
export function processKeepAlive(): KeepAlive {
  let held = 0;
  let handle: ReturnType<typeof setInterval> | undefined;
  return {
    hold() {
      if (held++ === 0) handle = setInterval(() => undefined, 1 << 30);
    },
    release() {
      if (held > 0 && --held === 0) clearInterval(handle);
    },
  };
}

/** Holds the process for as long as `work` is pending. */
export function keepAliveWhile<T>(keepAlive: KeepAlive, work: Promise<T>): Promise<T> {
  keepAlive.hold();
  return work.finally(() => keepAlive.release());
}
