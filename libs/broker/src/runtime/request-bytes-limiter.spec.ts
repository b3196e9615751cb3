import { TributaryError } from '@tributary/errors';
import { FakeScheduler } from '@tributary/util';
import { RequestBytesLimiter } from './request-bytes-limiter';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'NONE';
  } catch (error) {
    if (error instanceof TributaryError) return error.codeName;
    throw error;
  }
}

describe('RequestBytesLimiter', () => {
  it('admits requests while they fit and queues the rest until bytes are released, in order', async () => {
    const limiter = new RequestBytesLimiter(new FakeScheduler(), 100, 1000);
    const releaseA = await limiter.acquire(60);
    const order: string[] = [];
    const b = limiter.acquire(50).then((release) => (order.push('b'), release));
    const c = limiter.acquire(10).then((release) => (order.push('c'), release));
    expect(limiter.waiting).toBe(2);
    releaseA();
    const releaseB = await b;
    const releaseC = await c;
    expect(order).toEqual(['b', 'c']);
    expect(limiter.bytesInFlight).toBe(60);
    releaseB();
    releaseB();
    releaseC();
    expect(limiter.bytesInFlight).toBe(0);
  });

  it('refuses a waiter with a retriable error once the wait bound passes', async () => {
    const scheduler = new FakeScheduler();
    const limiter = new RequestBytesLimiter(scheduler, 100, 1000);
    await limiter.acquire(100);
    const waiting = limiter.acquire(1);
    scheduler.advance(999);
    expect(limiter.waiting).toBe(1);
    scheduler.advance(1);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).codeName).toBe('THROTTLING_QUOTA_EXCEEDED');
    expect((error as TributaryError).retriable).toBe(true);
    expect(limiter.waiting).toBe(0);
  });

  it('refuses at once what can never fit and what finds the wait queue full', async () => {
    const limiter = new RequestBytesLimiter(new FakeScheduler(), 100, 1000, 1);
    expect(await codeOf(limiter.acquire(101))).toBe('MESSAGE_TOO_LARGE');
    await limiter.acquire(100);
    void limiter.acquire(1).catch(() => undefined);
    expect(await codeOf(limiter.acquire(1))).toBe('THROTTLING_QUOTA_EXCEEDED');
  });

  it('is unbounded at -1', async () => {
    const limiter = new RequestBytesLimiter(new FakeScheduler(), -1);
    await limiter.acquire(10 ** 12);
    expect(await codeOf(limiter.acquire(10 ** 12))).toBe('NONE');
  });
});
