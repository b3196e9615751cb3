import { assert } from '@tributary/util';
import { IndexCorruptError, MAX_RELATIVE_OFFSET } from './offset-index';

/** Bytes per time-index entry: timestamp (int64 ms) + relative offset (int32), big-endian. */
export const TIME_INDEX_ENTRY_BYTES = 12;

/**
 * The sparse time index of one segment, in memory: entries map the largest
 * timestamp seen so far to the offset of the batch where it was seen.
 * Timestamps and offsets strictly increase. Pure: persistence is the caller's job.
 */
export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    public maxEntries: number,
    initialCapacity = 16,
  ) {
    const capacity = Math.max(1, Math.min(initialCapacity, Math.max(1, maxEntries)));
    this.ts = new Float64Array(capacity);
    this.rel = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeBytes(): number {
    return this.count * TIME_INDEX_ENTRY_BYTES;
  }

  /** The last entry, or undefined when empty. */
  get last(): { timestamp: number; offset: number } | undefined {
    return this.count === 0 ? undefined : { timestamp: this.ts[this.count - 1], offset: this.baseOffset + this.rel[this.count - 1] };
  }

  entryAt(i: number): { timestamp: number; offset: number } {
    assert(i >= 0 && i < this.count, () => `time index entry ${i} out of range [0, ${this.count})`);
    return { timestamp: this.ts[i], offset: this.baseOffset + this.rel[i] };
  }

  /**
   * Appends (timestamp, offset) when the timestamp is larger than the last
   * entry's; `force` skips the full check (Kafka adds a final entry on roll).
   * Returns whether an entry was added.
   */
  maybeAppend(timestamp: number, offset: number, force = false): boolean {
    if (timestamp < 0) return false;
    if (this.count > 0 && timestamp <= this.ts[this.count - 1]) return false;
    if (!force && this.isFull) return false;
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= MAX_RELATIVE_OFFSET, () => `offset ${offset} does not fit segment ${this.baseOffset}`);
    if (this.count > 0 && relative < this.rel[this.count - 1]) return false;
    if (this.count > 0 && relative === this.rel[this.count - 1]) {
      // Same batch, larger timestamp: replace the entry rather than duplicate the offset.
      this.ts[this.count - 1] = timestamp;
      return true;
    }
    if (this.count === this.ts.length) this.grow();
    this.ts[this.count] = timestamp;
    this.rel[this.count] = relative;
    this.count++;
    return true;
  }

  /** The entry with the largest timestamp ≤ `target`, or undefined. */
  lookup(target: number): { timestamp: number; offset: number } | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : { timestamp: this.ts[found], offset: this.baseOffset + this.rel[found] };
  }

  /** Removes entries with offsets ≥ `offset`. */
  truncateToOffset(offset: number): void {
    const relative = offset - this.baseOffset;
    while (this.count > 0 && this.rel[this.count - 1] >= relative) this.count--;
  }

  clear(): void {
    this.count = 0;
  }

  /** Entries [from, to) encoded as in the `.timeindex` file. */
  encode(from = 0, to = this.count): Buffer {
    const out = Buffer.allocUnsafe((to - from) * TIME_INDEX_ENTRY_BYTES);
    for (let i = from, at = 0; i < to; i++, at += TIME_INDEX_ENTRY_BYTES) {
      const t = this.ts[i];
      const hi = Math.floor(t / 2 ** 32);
      out.writeInt32BE(hi, at);
      out.writeUInt32BE(t - hi * 2 ** 32, at + 4);
      out.writeInt32BE(this.rel[i], at + 8);
    }
    return out;
  }

  /**
   * Decodes a `.timeindex` file; throws IndexCorruptError when it cannot be
   * trusted (partial entry, non-increasing entries, negative values).
   * Trailing all-zero entries (preallocated space) are ignored.
   */
  static decode(buf: Buffer, baseOffset: number, maxEntries: number): TimeIndex {
    if (buf.length % TIME_INDEX_ENTRY_BYTES !== 0) {
      throw new IndexCorruptError(`time index size ${buf.length} is not a multiple of ${TIME_INDEX_ENTRY_BYTES}`);
    }
    let n = buf.length / TIME_INDEX_ENTRY_BYTES;
    const isZero = (i: number): boolean => buf.readInt32BE(i * 12) === 0 && buf.readInt32BE(i * 12 + 4) === 0 && buf.readInt32BE(i * 12 + 8) === 0;
    while (n > 0 && isZero(n - 1)) n--;
    const index = new TimeIndex(baseOffset, Math.max(maxEntries, n), Math.max(n, 1));
    for (let i = 0; i < n; i++) {
      const at = i * TIME_INDEX_ENTRY_BYTES;
      const hi = buf.readInt32BE(at);
      const timestamp = hi * 2 ** 32 + buf.readUInt32BE(at + 4);
      const relative = buf.readInt32BE(at + 8);
      if (!Number.isSafeInteger(timestamp) || timestamp < 0 || relative < 0) {
        throw new IndexCorruptError(`time index entry ${i} (${timestamp}, ${relative}) is out of range`);
      }
      if (i > 0 && (timestamp <= index.ts[i - 1] || relative < index.rel[i - 1])) {
        throw new IndexCorruptError(`time index entry ${i} (${timestamp}, ${relative}) does not increase`);
      }
      index.ts[i] = timestamp;
      index.rel[i] = relative;
      index.count++;
    }
    return index;
  }

  private grow(): void {
    const capacity = Math.max(this.ts.length * 2, 16);
    const ts = new Float64Array(capacity);
    const rel = new Int32Array(capacity);
    ts.set(this.ts.subarray(0, this.count));
    rel.set(this.rel.subarray(0, this.count));
    this.ts = ts;
    this.rel = rel;
  }
}
