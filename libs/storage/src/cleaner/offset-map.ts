import { assert } from '@tributary/util';

/** Bytes one entry costs: a 16-byte key hash plus an 8-byte offset (Kafka's SkimpyOffsetMap layout). */
export const OFFSET_MAP_ENTRY_BYTES = 24;
/** Kafka's `log.cleaner.io.buffer.load.factor` default: the map counts as full at 90% of its slots. */
export const DEFAULT_OFFSET_MAP_LOAD_FACTOR = 0.9;

const EMPTY = -1;
const LANES = 4;

/**
 * The cleaner's key → latest offset map (Kafka's SkimpyOffsetMap): an
 * open-addressing hash table of fixed size, so the memory a cleaning pass uses
 * is `log.cleaner.dedupe.buffer.size` whatever the keys are. Keys are stored as
 * a 128-bit hash, as Kafka does (Kafka uses MD5; we use MurmurHash3 x86_128,
 * which is several times cheaper in JavaScript and allocates nothing). Two
 * distinct keys colliding would make the older one's records look superseded;
 * at ~2^-128 per pair that is not worth the memory of storing keys. The hash is
 * not collision-resistant against crafted keys, but a producer able to write a
 * crafted key can as well write a tombstone for the key it targets.
 *
 * When `isFull` the caller stops mapping and cleans only up to
 * `latestOffset + 1`; the rest is cleaned by the next pass.
 */
export class OffsetMap {
  /** Number of slots in the table. */
  readonly slots: number;
  /** Entries allowed before the map reports full. */
  readonly capacity: number;
  private readonly digests: Uint32Array;
  private readonly offsets: Float64Array;
  private entries = 0;
  private latest = EMPTY;
  /** Scratch lanes of the hash being looked up, so put/get allocate nothing. */
  private readonly probe = new Uint32Array(LANES);

  constructor(
    readonly memoryBytes: number,
    readonly loadFactor = DEFAULT_OFFSET_MAP_LOAD_FACTOR,
  ) {
    assert(loadFactor > 0 && loadFactor <= 1, `load factor must be in (0, 1], got ${loadFactor}`);
    this.slots = Math.floor(memoryBytes / OFFSET_MAP_ENTRY_BYTES);
    // One slot always stays empty so a probe for an absent key terminates.
    this.capacity = Math.min(Math.floor(this.slots * loadFactor), this.slots - 1);
    assert(this.capacity >= 1, `an offset map of ${memoryBytes} bytes cannot hold one entry (${OFFSET_MAP_ENTRY_BYTES} bytes each)`);
    this.digests = new Uint32Array(this.slots * LANES);
    this.offsets = new Float64Array(this.slots).fill(EMPTY);
  }

  /** Entries currently held. */
  get size(): number {
    return this.entries;
  }

  /** True when no more keys may be added; `put` of a new key asserts against it. */
  get isFull(): boolean {
    return this.entries >= this.capacity;
  }

  /** The largest offset passed to `put` (or `markScanned`) since the last clear, -1 if none. */
  get latestOffset(): number {
    return this.latest;
  }

  /** Fraction of the capacity in use, in [0, 1]. */
  get utilization(): number {
    return this.entries / this.capacity;
  }

  /**
   * Records that `key`'s latest record is at `offset`. Offsets must be put in
   * ascending order per key (the cleaner scans the log forwards); a later put
   * replaces the earlier one. The key may be a range of a larger buffer.
   */
  put(key: Uint8Array, offset: number, keyStart = 0, keyLength = key.length - keyStart): void {
    const slot = this.findSlot(key, keyStart, keyLength);
    if (this.offsets[slot] === EMPTY) {
      assert(!this.isFull, 'offset map is full; check isFull before put');
      const at = slot * LANES;
      for (let lane = 0; lane < LANES; lane++) this.digests[at + lane] = this.probe[lane];
      this.entries++;
    }
    this.offsets[slot] = offset;
    this.markScanned(offset);
  }

  /** The latest offset recorded for `key` (the bytes [keyStart, keyStart + keyLength) of it), or -1. */
  get(key: Uint8Array, keyStart = 0, keyLength = key.length - keyStart): number {
    return this.offsets[this.findSlot(key, keyStart, keyLength)];
  }

  /** Moves `latestOffset` forward over records scanned without a put (null keys, transactional batches). */
  markScanned(offset: number): void {
    if (offset > this.latest) this.latest = offset;
  }

  clear(): void {
    this.offsets.fill(EMPTY);
    this.entries = 0;
    this.latest = EMPTY;
  }

  /** The slot holding `key`'s hash, or the empty slot where it would go (linear probing). */
  private findSlot(key: Uint8Array, keyStart: number, keyLength: number): number {
    const probe = this.probe;
    murmur3x86128(key, keyStart, keyLength, probe);
    let slot = probe[0] % this.slots;
    for (;;) {
      if (this.offsets[slot] === EMPTY) return slot;
      const at = slot * LANES;
      if (
        this.digests[at] === probe[0] &&
        this.digests[at + 1] === probe[1] &&
        this.digests[at + 2] === probe[2] &&
        this.digests[at + 3] === probe[3]
      ) {
        return slot;
      }
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }
}

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function word(data: Uint8Array, at: number): number {
  return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
}

/** Tail bytes [from, from + count) of `data` as a little-endian word (count 1..4). */
function partialWord(data: Uint8Array, from: number, count: number): number {
  let k = 0;
  for (let i = count - 1; i >= 0; i--) k = (k << 8) | data[from + i];
  return k;
}

/** Austin Appleby's MurmurHash3_x86_128, seed 0, of data[start, start + len); writes h1..h4 into `out`. */
export function murmur3x86128(data: Uint8Array, start: number, len: number, out: Uint32Array): void {
  const blocksEnd = start + len - (len & 15);
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  for (let i = start; i < blocksEnd; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(word(data, i), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(word(data, i + 4), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(word(data, i + 8), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(word(data, i + 12), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tail = len & 15;
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(partialWord(data, blocksEnd + 12, tail - 12), C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(partialWord(data, blocksEnd + 8, Math.min(tail - 8, 4)), C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(partialWord(data, blocksEnd + 4, Math.min(tail - 4, 4)), C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(partialWord(data, blocksEnd, Math.min(tail, 4)), C1), 15), C2);
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = h2 + h1;
  out[2] = h3 + h1;
  out[3] = h4 + h1;
}
