import type { Cancellable, Scheduler } from '@tributary/util';

/**
 * A request that waits for a condition (e.g. a fetch for `min.bytes` of new
 * data). `tryComplete` returns true once it has completed itself; `complete`
 * forces completion with whatever is available (timeout or shutdown).
 */
export interface DelayedOperation {
  tryComplete(): boolean;
  complete(): void;
}

interface Watched {
  readonly operation: DelayedOperation;
  readonly keys: readonly string[];
  timer: Cancellable | undefined;
}

/**
 * Holds delayed operations keyed by what can complete them (Kafka's
 * DelayedOperationPurgatory): an append to a partition calls
 * `checkAndComplete(partitionKey)` and every fetch waiting on it is retried.
 * The number of parked operations is bounded; past it, operations complete at
 * once with what they have rather than queue without limit.
 */
export class Purgatory {
  private readonly byKey = new Map<string, Set<Watched>>();
  private readonly byOperation = new Map<DelayedOperation, Watched>();
  private parked = 0;

  constructor(
    private readonly scheduler: Scheduler,
    readonly maxParkedOperations: number,
  ) {}

  get size(): number {
    return this.parked;
  }

  /** Completes `operation` now if it can, otherwise parks it until a key fires or `timeoutMs` passes. */
  tryCompleteElseWatch(operation: DelayedOperation, keys: readonly string[], timeoutMs: number): void {
    if (operation.tryComplete()) return;
    if (timeoutMs <= 0 || keys.length === 0 || this.parked >= this.maxParkedOperations) {
      operation.complete();
      return;
    }
    const watched: Watched = { operation, keys, timer: undefined };
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(watched);
    }
    this.byOperation.set(operation, watched);
    this.parked++;
    watched.timer = this.scheduler.schedule(timeoutMs, () => {
      if (this.unpark(watched)) operation.complete();
    });
  }

  /** Retries every operation watching `key`; returns how many completed. */
  checkAndComplete(key: string): number {
    const set = this.byKey.get(key);
    if (!set) return 0;
    let completed = 0;
    for (const watched of [...set]) {
      if (watched.operation.tryComplete() && this.unpark(watched)) completed++;
    }
    return completed;
  }

  /**
   * Completes one parked operation now and frees its slot (e.g. its client
   * went away); returns false when it is not parked (already completed).
   */
  forceComplete(operation: DelayedOperation): boolean {
    const watched = this.byOperation.get(operation);
    if (!watched || !this.unpark(watched)) return false;
    operation.complete();
    return true;
  }

  /** Completes every parked operation (broker shutdown). */
  completeAll(): void {
    for (const set of [...this.byKey.values()]) {
      for (const watched of [...set]) if (this.unpark(watched)) watched.operation.complete();
    }
  }

  private unpark(watched: Watched): boolean {
    let found = false;
    for (const key of watched.keys) {
      const set = this.byKey.get(key);
      if (set?.delete(watched)) found = true;
      if (set && set.size === 0) this.byKey.delete(key);
    }
    if (!found) return false;
    this.byOperation.delete(watched.operation);
    watched.timer?.cancel();
    this.parked--;
    return true;
  }
}
