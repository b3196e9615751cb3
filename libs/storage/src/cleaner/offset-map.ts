import { assert } from '@tributary/util';

/** Bytes one entry costs: a 16-byte key hash plus an 8-byte offset (Kafka's SkimpyOffsetMap layout). */
export const OFFSET_MAP_ENTRY_BYTES = 24;
/** Kafka's `log.cleaner.io.buffer.load.factor` default: the map counts as full at 90% of its slots. */
export const DEFAULT_OFFSET_MAP_LOAD_FACTOR = 0.9;

const LANES = 4;
/** A slot is 6 uint32 words: 4 of key hash, then a float64 holding offset + 1 (0: empty), in one 24-byte record. */
const SLOT_WORDS = 6;
const SLOT_FLOATS = 3;
const OFFSET_FLOAT = 2;
/** The table starts this small (~192 KiB) and doubles at half load. */
const INITIAL_TABLE_SLOTS = 8192;
/** Share of the buffer kept as scratch for growing: 1/SCRATCH_SHARE. */
const SCRATCH_SHARE = 17;

/**
 * The cleaner's key → latest offset map (Kafka's SkimpyOffsetMap): an
 * open-addressing (linear probing) hash table in one buffer of
 * `log.cleaner.dedupe.buffer.size` bytes, whatever the keys are. Keys are
 * stored as a 128-bit hash, as Kafka does (Kafka uses MD5; we use MurmurHash3
 * x86_128, several times cheaper in JavaScript and allocation-free). Two
 * distinct keys colliding would make the older one's records look superseded;
 * at ~2^-128 per pair that is not worth the memory of storing keys. The hash is
 * not collision-resistant against crafted keys, but a producer able to write a
 * crafted key can as well write a tombstone for the key it targets.
 *
 * Layout: a slot keeps the hash and the offset side by side (one cache miss
 * per probe); an empty slot is all zeros (the offset is stored plus one), so
 * the buffer needs no initial fill and pages never touched are never
 * committed. The table uses a prefix of the buffer that starts small and
 * doubles at half load, so a pass over few keys probes a few cache-friendly
 * megabytes instead of the whole buffer (random access over 128 MiB costs
 * about a microsecond a lookup). To grow, the entries are copied to a scratch
 * area at the end of the buffer (1/17 of it), the table is zeroed and they are
 * re-inserted; the table jumps to its full size before the entries could
 * outgrow the scratch. So memory never exceeds the buffer, and the full table
 * holds 16/17 of the slots a fixed table would. Buffers under 2 × 8 Ki slots
 * are one fixed table.
 *
 * When `isFull` the caller stops mapping and cleans only up to
 * `latestOffset + 1`; the rest is cleaned by the next pass.
 */
export class OffsetMap {
  /** Slots of the table at its full size. */
  readonly slots: number;
  /** Entries allowed before the map reports full: `loadFactor` of the full table. */
  readonly capacity: number;
  private readonly scratchSlots: number;
  private readonly initialSlots: number;
  /** Slots of the table now: a prefix of the buffer. */
  private tableSlots: number;
  private readonly words: Uint32Array;
  private readonly floats: Float64Array;
  private entries = 0;
  private latest = -1;
  /** Lanes of the hash being looked up, so put/get allocate nothing. */
  private readonly probe = new Uint32Array(LANES);

  constructor(
    readonly memoryBytes: number,
    readonly loadFactor = DEFAULT_OFFSET_MAP_LOAD_FACTOR,
  ) {
    assert(loadFactor > 0 && loadFactor <= 1, `load factor must be in (0, 1], got ${loadFactor}`);
    const bufferSlots = Math.floor(memoryBytes / OFFSET_MAP_ENTRY_BYTES);
    const grows = bufferSlots >= 2 * INITIAL_TABLE_SLOTS;
    this.scratchSlots = grows ? Math.ceil(bufferSlots / SCRATCH_SHARE) : 0;
    this.slots = bufferSlots - this.scratchSlots;
    this.initialSlots = grows ? INITIAL_TABLE_SLOTS : this.slots;
    this.tableSlots = this.initialSlots;
    // One slot always stays empty so a probe for an absent key terminates.
    this.capacity = Math.min(Math.floor(this.slots * loadFactor), this.slots - 1);
    assert(this.capacity >= 1, `an offset map of ${memoryBytes} bytes cannot hold one entry (${OFFSET_MAP_ENTRY_BYTES} bytes each)`);
    const buffer = new ArrayBuffer(bufferSlots * OFFSET_MAP_ENTRY_BYTES);
    this.words = new Uint32Array(buffer);
    this.floats = new Float64Array(buffer);
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

  /**
   * Records that `key`'s latest record is at `offset`. Offsets must be put in
   * ascending order per key (the cleaner scans the log forwards); a later put
   * replaces the earlier one. The key may be a range of a larger buffer.
   */
  put(key: Uint8Array, offset: number, keyStart = 0, keyLength = key.length - keyStart): void {
    murmur3x86128(key, keyStart, keyLength, this.probe);
    let slot = this.locate();
    if (this.floats[slot * SLOT_FLOATS + OFFSET_FLOAT] === 0) {
      assert(!this.isFull, 'offset map is full; check isFull before put');
      if (this.tableSlots < this.slots && (this.entries >= this.tableSlots / 2 || this.entries >= this.scratchSlots)) {
        const lanes = this.probe.slice();
        this.grow(); // re-inserting uses `probe`
        this.probe.set(lanes);
        slot = this.locate();
      }
      this.words.set(this.probe, slot * SLOT_WORDS);
      this.entries++;
    }
    this.floats[slot * SLOT_FLOATS + OFFSET_FLOAT] = offset + 1;
    this.markScanned(offset);
  }

  /** The latest offset recorded for `key` (the bytes [keyStart, keyStart + keyLength) of it), or -1. */
  get(key: Uint8Array, keyStart = 0, keyLength = key.length - keyStart): number {
    murmur3x86128(key, keyStart, keyLength, this.probe);
    return this.floats[this.locate() * SLOT_FLOATS + OFFSET_FLOAT] - 1;
  }

  /** Moves `latestOffset` forward over records scanned without a put (null keys, transactional batches). */
  markScanned(offset: number): void {
    if (offset > this.latest) this.latest = offset;
  }

  /** Empties the map for the next pass; the table shrinks back to its initial size. */
  clear(): void {
    if (this.entries > 0) this.words.fill(0, 0, this.tableSlots * SLOT_WORDS);
    this.tableSlots = this.initialSlots;
    this.entries = 0;
    this.latest = -1;
  }

  /** The slot holding the hash in `probe`, or the empty slot where it would go (linear probing). */
  private locate(): number {
    const { probe, words, floats, tableSlots } = this;
    const h0 = probe[0];
    const h1 = probe[1];
    const h2 = probe[2];
    const h3 = probe[3];
    let slot = h0 % tableSlots;
    for (;;) {
      if (floats[slot * SLOT_FLOATS + OFFSET_FLOAT] === 0) return slot;
      const word = slot * SLOT_WORDS;
      if (words[word] === h0 && words[word + 1] === h1 && words[word + 2] === h2 && words[word + 3] === h3) return slot;
      slot = slot + 1 === tableSlots ? 0 : slot + 1;
    }
  }

  /** Doubles the table (or jumps to its full size): entries to the scratch area, table zeroed, entries re-inserted. */
  private grow(): void {
    const { words, floats } = this;
    const oldSlots = this.tableSlots;
    const scratch = this.slots; // first slot of the scratch area
    let moved = 0;
    for (let slot = 0; slot < oldSlots; slot++) {
      if (floats[slot * SLOT_FLOATS + OFFSET_FLOAT] === 0) continue;
      words.copyWithin((scratch + moved) * SLOT_WORDS, slot * SLOT_WORDS, (slot + 1) * SLOT_WORDS);
      moved++;
    }
    assert(moved === this.entries && moved <= this.scratchSlots, 'offset map scratch overflow');
    words.fill(0, 0, oldSlots * SLOT_WORDS);
    this.tableSlots = this.entries >= this.scratchSlots || oldSlots * 2 > this.slots ? this.slots : oldSlots * 2;
    for (let i = 0; i < moved; i++) {
      const from = (scratch + i) * SLOT_WORDS;
      for (let lane = 0; lane < LANES; lane++) this.probe[lane] = words[from + lane];
      words.copyWithin(this.locate() * SLOT_WORDS, from, from + SLOT_WORDS);
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
