import type { EpochEntry } from './checkpoint-format';

/** Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

/**
 * The leader-epoch cache: for each leader epoch, the first offset written in
 * it, ascending in both. Pure (the log persists it to leader-epoch-checkpoint).
 * Semantics follow Kafka's LeaderEpochFileCache.
 */
export class LeaderEpochCache {
  private list: EpochEntry[];

  constructor(entries: readonly EpochEntry[] = []) {
    this.list = [...entries];
  }

  get entries(): readonly EpochEntry[] {
    return this.list;
  }

  get latestEpoch(): number {
    return this.list.length === 0 ? UNDEFINED_EPOCH : this.list[this.list.length - 1].epoch;
  }

  get latestEntry(): EpochEntry | undefined {
    return this.list[this.list.length - 1];
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that conflict (an
   * epoch ≥ `epoch` or a start offset ≥ `startOffset`) are removed first.
   * Returns whether the cache changed.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) return false;
    const latest = this.latestEntry;
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return false;
    if (latest && epoch < latest.epoch && startOffset >= latest.startOffset) {
      // An older epoch appearing after a newer one (e.g. a stale batch): ignore it, as Kafka does.
      return false;
    }
    this.list = this.list.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.list.push({ epoch, startOffset });
    return true;
  }

  /** Removes entries whose start offset is ≥ `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.list.length;
    this.list = this.list.filter((e) => e.startOffset < endOffset);
    return this.list.length !== before;
  }

  /**
   * The log now starts at `startOffset`: drops entries wholly before it and
   * moves the start of the epoch that covers it up to `startOffset`.
   */
  truncateFromStart(startOffset: number): boolean {
    let floor = -1;
    for (let i = 0; i < this.list.length && this.list[i].startOffset <= startOffset; i++) floor = i;
    if (floor < 0) return false;
    const entry = this.list[floor];
    if (floor === 0 && entry.startOffset === startOffset) return false;
    this.list = [{ epoch: entry.epoch, startOffset }, ...this.list.slice(floor + 1)];
    return true;
  }

  clear(): boolean {
    const changed = this.list.length > 0;
    this.list = [];
    return changed;
  }

  /** The epoch of the record at `offset`, or UNDEFINED_EPOCH before the first entry. */
  epochForOffset(offset: number): number {
    let epoch = UNDEFINED_EPOCH;
    for (const e of this.list) {
      if (e.startOffset > offset) break;
      epoch = e.epoch;
    }
    return epoch;
  }

  /**
   * OffsetsForLeaderEpoch: the largest epoch ≤ `requestedEpoch` and the offset
   * where the next epoch starts (or `logEndOffset` for the latest epoch);
   * (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET) when unknown.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requestedEpoch === UNDEFINED_EPOCH) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === this.latestEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.list.find((e) => e.epoch > requestedEpoch);
    if (!higher) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    let floor: EpochEntry | undefined;
    for (const e of this.list) if (e.epoch <= requestedEpoch) floor = e;
    return floor ? { epoch: floor.epoch, endOffset: higher.startOffset } : { epoch: requestedEpoch, endOffset: higher.startOffset };
  }
}
