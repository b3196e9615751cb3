import type { DelayedOperation } from '../core/purgatory';
import type { FetchParams, FetchPartitionResult } from './fetch-types';

/** Reads what a fetch can return now. */
export type FetchReader = (params: FetchParams) => readonly FetchPartitionResult[];

/** Whether a fetch result is worth answering: enough bytes, or an error the client must see. */
export function fetchSatisfied(params: FetchParams, results: readonly FetchPartitionResult[]): boolean {
  let bytes = 0;
  for (const r of results) {
    if (r.errorCode !== 0) return true;
    bytes += r.records.length;
  }
  return bytes >= Math.max(1, params.minBytes);
}

/**
 * A fetch parked in the purgatory (Kafka's DelayedFetch): completes as soon
 * as a read returns min_bytes or an error (an append, deletion or shutdown
 * wakes it), or with whatever is there when max_wait_ms expires. Completes
 * exactly once.
 */
export class DelayedFetch implements DelayedOperation {
  private done = false;

  constructor(
    private readonly params: FetchParams,
    private readonly read: FetchReader,
    private readonly onComplete: (results: readonly FetchPartitionResult[]) => void,
  ) {}

  tryComplete(): boolean {
    if (this.done) return true;
    const results = this.read(this.params);
    if (!fetchSatisfied(this.params, results)) return false;
    this.finish(results);
    return true;
  }

  complete(): void {
    if (!this.done) this.finish(this.read(this.params));
  }

  private finish(results: readonly FetchPartitionResult[]): void {
    this.done = true;
    this.onComplete(results);
  }
}
