import { assert } from '@tributary/util';

/** Bytes per offset-index entry: relative offset (int32) + file position (int32), big-endian. */
export const OFFSET_INDEX_ENTRY_BYTES = 8;
/** Largest offset distance from a segment's base that an index entry can hold. */
export const MAX_RELATIVE_OFFSET = 0x7fffffff;

/** Thrown by the decoders when an index file cannot be trusted. */
export class IndexCorruptError extends Error {
  override readonly name = 'IndexCorruptError';
}

/**
 * The sparse offset index of one segment, held in memory: entries map an
 * offset (stored relative to the segment's base offset) to the file position
 * of the batch starting at that offset. Entries are strictly increasing in
 * both offset and position. Pure: persistence is the caller's job.
 */
export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    public maxEntries: number,
    initialCapacity = 16,
  ) {
    const capacity = Math.max(1, Math.min(initialCapacity, Math.max(1, maxEntries)));
    this.rel = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Size in bytes of the entries (what the trimmed file holds). */
  get sizeBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY_BYTES;
  }

  /** Absolute offset of the last entry, or the base offset when empty. */
  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.rel[this.count - 1];
  }

  /** File position of the last entry, or 0 when empty. */
  get lastPosition(): number {
    return this.count === 0 ? 0 : this.pos[this.count - 1];
  }

  entryAt(i: number): { offset: number; position: number } {
    assert(i >= 0 && i < this.count, () => `index entry ${i} out of range [0, ${this.count})`);
    return { offset: this.baseOffset + this.rel[i], position: this.pos[i] };
  }

  /** Appends an entry; offsets and positions must increase. */
  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= MAX_RELATIVE_OFFSET, () => `offset ${offset} does not fit segment ${this.baseOffset}`);
    assert(!this.isFull, () => `offset index of segment ${this.baseOffset} is full (${this.maxEntries} entries)`);
    if (this.count > 0) {
      assert(relative > this.rel[this.count - 1], () => `index offsets must increase: ${offset} after ${this.lastOffset}`);
      assert(position > this.pos[this.count - 1], () => `index positions must increase: ${position} after ${this.lastPosition}`);
    }
    if (this.count === this.rel.length) this.grow();
    this.rel[this.count] = relative;
    this.pos[this.count] = position;
    this.count++;
  }

  /**
   * The entry with the largest offset ≤ `target`, as absolute offset and
   * position; the segment start (base offset, position 0) when there is none.
   */
  lookup(target: number): { offset: number; position: number } {
    const i = this.floorIndex(target - this.baseOffset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : { offset: this.baseOffset + this.rel[i], position: this.pos[i] };
  }

  /** Removes entries at positions ≥ `position` (the segment file is being cut there). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.pos[this.count - 1] >= position) this.count--;
  }

  /** Removes every entry. */
  clear(): void {
    this.count = 0;
  }

  /** Entries [from, to) encoded as in the `.index` file. */
  encode(from = 0, to = this.count): Buffer {
    const out = Buffer.allocUnsafe((to - from) * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = from, at = 0; i < to; i++, at += OFFSET_INDEX_ENTRY_BYTES) {
      out.writeInt32BE(this.rel[i], at);
      out.writeInt32BE(this.pos[i], at + 4);
    }
    return out;
  }

  /**
   * Decodes an `.index` file. Throws IndexCorruptError when it cannot be
   * trusted: a size that is not a whole number of entries, offsets or positions
   * not strictly increasing, a position at or past `logSizeBytes`.
   * Trailing all-zero entries (preallocated space) are ignored.
   */
  static decode(buf: Buffer, baseOffset: number, maxEntries: number, logSizeBytes: number): OffsetIndex {
    if (buf.length % OFFSET_INDEX_ENTRY_BYTES !== 0) {
      throw new IndexCorruptError(`index size ${buf.length} is not a multiple of ${OFFSET_INDEX_ENTRY_BYTES}`);
    }
    let n = buf.length / OFFSET_INDEX_ENTRY_BYTES;
    // Preallocated tail: zero entries after a first entry cannot be real (offsets strictly increase).
    while (n > 1 && buf.readInt32BE((n - 1) * 8) === 0 && buf.readInt32BE((n - 1) * 8 + 4) === 0) n--;
    if (n === 1 && buf.readInt32BE(0) === 0 && buf.readInt32BE(4) === 0) n = 0;
    const index = new OffsetIndex(baseOffset, Math.max(maxEntries, n), Math.max(n, 1));
    for (let i = 0; i < n; i++) {
      const relative = buf.readInt32BE(i * 8);
      const position = buf.readInt32BE(i * 8 + 4);
      if (relative < 0 || position < 0 || position >= logSizeBytes) {
        throw new IndexCorruptError(`index entry ${i} (${relative}, ${position}) is out of range for a log of ${logSizeBytes} bytes`);
      }
      if (i > 0 && (relative <= index.rel[i - 1] || position <= index.pos[i - 1])) {
        throw new IndexCorruptError(`index entry ${i} (${relative}, ${position}) does not increase`);
      }
      index.rel[i] = relative;
      index.pos[i] = position;
      index.count++;
    }
    return index;
  }

  private floorIndex(relative: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid] <= relative) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private grow(): void {
    const capacity = Math.min(Math.max(this.rel.length * 2, 16), Math.max(this.maxEntries, this.rel.length + 1));
    const rel = new Int32Array(capacity);
    const pos = new Int32Array(capacity);
    rel.set(this.rel.subarray(0, this.count));
    pos.set(this.pos.subarray(0, this.count));
    this.rel = rel;
    this.pos = pos;
  }
}
