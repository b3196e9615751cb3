import { TributaryError } from '@tributary/errors';
import type { Cancellable, Scheduler } from '@tributary/util';

/** Requests waiting for room at once; more are refused at once. */
export const MAX_WAITING_REQUESTS = 1024;
/** How long a request may wait for room before it is refused. */
export const QUEUED_REQUEST_WAIT_MS = 5_000;

interface Waiter {
  readonly bytes: number;
  readonly resolve: (release: () => void) => void;
  readonly reject: (error: unknown) => void;
  timer: Cancellable | undefined;
}

/**
 * Bounds the bytes of requests being processed (Kafka's
 * `queued.max.request.bytes`): `acquire` resolves with a release function
 * once the bytes fit; otherwise the request waits, first come first served,
 * for at most `waitMs`, and is then refused with a retriable
 * THROTTLING_QUOTA_EXCEEDED, as is a request arriving when
 * MAX_WAITING_REQUESTS already wait. A request larger than the whole bound is
 * refused at once (it could never fit).
 */
export class RequestBytesLimiter {
  private inFlight = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    /** -1: unbounded. */
    readonly maxBytes: number,
    private readonly waitMs: number = QUEUED_REQUEST_WAIT_MS,
    private readonly maxWaiting: number = MAX_WAITING_REQUESTS,
  ) {}

  get bytesInFlight(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(bytes: number): Promise<() => void> {
    if (this.maxBytes < 0) return Promise.resolve(() => undefined);
    if (bytes > this.maxBytes) {
      return Promise.reject(new TributaryError('MESSAGE_TOO_LARGE', `a request of ${bytes} bytes can never fit queued.max.request.bytes=${this.maxBytes}`));
    }
    if (this.waiters.length === 0 && this.inFlight + bytes <= this.maxBytes) return Promise.resolve(this.take(bytes));
    if (this.waiters.length >= this.maxWaiting) {
      return Promise.reject(new TributaryError('THROTTLING_QUOTA_EXCEEDED', `${this.waiters.length} requests already wait for queued.max.request.bytes; retry later`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, timer: undefined };
      waiter.timer = this.scheduler.schedule(this.waitMs, () => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return;
        this.waiters.splice(i, 1);
        reject(new TributaryError('THROTTLING_QUOTA_EXCEEDED', `waited ${this.waitMs} ms for ${bytes} bytes under queued.max.request.bytes=${this.maxBytes}; retry later`));
        this.drain();
      });
      this.waiters.push(waiter);
    });
  }

  private take(bytes: number): () => void {
    this.inFlight += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= bytes;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.inFlight + this.waiters[0].bytes <= this.maxBytes) {
      const waiter = this.waiters.shift() as Waiter;
      waiter.timer?.cancel();
      waiter.resolve(this.take(waiter.bytes));
    }
  }
}
