import fc from 'fast-check';
import { AssertionError } from '@tributary/util';
import { murmur3x86128, OFFSET_MAP_ENTRY_BYTES, OffsetMap } from './offset-map';

function hex(text: string): string {
  const out = new Uint32Array(4);
  const bytes = Buffer.from(text);
  murmur3x86128(bytes, 0, bytes.length, out);
  return [...out].map((w) => w.toString(16)).join('');
}

describe('murmur3x86128', () => {
  it('matches the reference MurmurHash3_x86_128 (seed 0) for every tail length', () => {
    // Published vectors, h1..h4 as unpadded hex words.
    expect(hex('')).toBe('0000');
    expect(hex('H')).toBe('f69feb5df45637a0f45637a0f45637a0');
    expect(hex('Hello')).toBe('2360ae465e6336c6ad45b3f4ad45b3f4');
    expect(hex('Hello Wor')).toBe('107e2665706ff8b8eb00bf34e910bf63');
    expect(hex('Hello World!')).toBe('6bee9883eb1be4f59dfb7172ae3fbea9');
    expect(hex('Hello World! Hel')).toBe('82475db0161f88d8850474822a76794a');
    expect(hex('Hello World! Hello World! Hello World!')).toBe('97c20b59c7de4e21bf270576dcfc2f');
  });

  it('hashes a range of a larger buffer as the same bytes on their own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (key, before, after) => {
        const alone = new Uint32Array(4);
        const inside = new Uint32Array(4);
        murmur3x86128(key, 0, key.length, alone);
        murmur3x86128(Buffer.concat([before, key, after]), before.length, key.length, inside);
        expect([...inside]).toEqual([...alone]);
      }),
    );
  });
});

describe('OffsetMap', () => {
  it('keeps the latest offset per key and answers -1 for unknown keys', () => {
    const map = new OffsetMap(1024);
    map.put(Buffer.from('a'), 1);
    map.put(Buffer.from('b'), 2);
    map.put(Buffer.from('a'), 5);
    expect(map.get(Buffer.from('a'))).toBe(5);
    expect(map.get(Buffer.from('b'))).toBe(2);
    expect(map.get(Buffer.from('c'))).toBe(-1);
    expect(map.size).toBe(2);
    expect(map.latestOffset).toBe(5);
  });

  it('sizes itself from the memory it is given and reports full at the load factor', () => {
    const map = new OffsetMap(10 * OFFSET_MAP_ENTRY_BYTES, 0.5);
    expect(map.slots).toBe(10);
    expect(map.capacity).toBe(5);
    for (let i = 0; i < 5; i++) map.put(Buffer.from(`k${i}`), i);
    expect(map.isFull).toBe(true);
    map.put(Buffer.from('k0'), 9); // an existing key may still be updated
    expect(map.get(Buffer.from('k0'))).toBe(9);
    expect(() => map.put(Buffer.from('new'), 10)).toThrow(AssertionError);
  });

  it('always leaves one slot free so lookups of absent keys end, even at load factor 1', () => {
    const map = new OffsetMap(4 * OFFSET_MAP_ENTRY_BYTES, 1);
    expect(map.capacity).toBe(3);
    for (let i = 0; i < 3; i++) map.put(Buffer.from(`k${i}`), i);
    expect(map.get(Buffer.from('absent'))).toBe(-1);
  });

  it('refuses a size that cannot hold one entry', () => {
    expect(() => new OffsetMap(OFFSET_MAP_ENTRY_BYTES)).toThrow(/cannot hold one entry/);
  });

  it('clear() empties it for the next pass', () => {
    const map = new OffsetMap(1024);
    map.put(Buffer.from('a'), 1);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(Buffer.from('a'))).toBe(-1);
    expect(map.latestOffset).toBe(-1);
  });

  it('grows through doublings to its full size without losing or confusing keys', () => {
    // 200,000 slots: a scratch of 11,765 and a full table of 188,235, starting at 8,192: it doubles at
    // 4,096 and 8,192 entries, then jumps to the full size at 11,765 (before the scratch would overflow).
    const map = new OffsetMap(200_000 * OFFSET_MAP_ENTRY_BYTES);
    expect(map.slots).toBe(188_235);
    expect(map.capacity).toBe(Math.floor(188_235 * 0.9));
    const keys = 30_000;
    for (let i = 0; i < keys; i++) map.put(Buffer.from(`key-${i}`), i);
    for (let i = 0; i < keys; i += 3) map.put(Buffer.from(`key-${i}`), keys + i); // updates after growth
    expect(map.size).toBe(keys);
    const wrong = [];
    for (let i = 0; i < keys; i++) if (map.get(Buffer.from(`key-${i}`)) !== (i % 3 === 0 ? keys + i : i)) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(map.get(Buffer.from('absent'))).toBe(-1);
    map.clear();
    expect(map.get(Buffer.from('key-1'))).toBe(-1);
    map.put(Buffer.from('again'), 1);
    expect(map.get(Buffer.from('again'))).toBe(1);
  });

  it('fills to its capacity after growing, then reports full', () => {
    const map = new OffsetMap(20_000 * OFFSET_MAP_ENTRY_BYTES);
    let i = 0;
    while (!map.isFull) map.put(Buffer.from(`k${i}`), i++);
    expect(map.size).toBe(map.capacity);
    const wrong = [];
    for (let j = 0; j < i; j++) if (map.get(Buffer.from(`k${j}`)) !== j) wrong.push(j);
    expect(wrong).toEqual([]);
  });

  it('agrees with a Map model under random puts, through growth (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(100_000), fc.nat(1_000_000)), { minLength: 9_000, maxLength: 12_000 }), (puts) => {
        // 150,000 slots: doublings at 4,096 and 8,192 entries, the jump to full size at 8,824.
        const map = new OffsetMap(150_000 * OFFSET_MAP_ENTRY_BYTES);
        const model = new Map<number, number>();
        for (const [key, offset] of puts) {
          if (map.isFull && !model.has(key)) continue;
          map.put(Buffer.from(String(key)), offset);
          model.set(key, offset);
        }
        const wrong = [...model].filter(([key, offset]) => map.get(Buffer.from(String(key))) !== offset);
        expect(wrong).toEqual([]);
        expect(map.size).toBe(model.size);
      }),
      { numRuns: 10 },
    );
  });

  it('agrees with a Map model under random puts (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.nat(1000)), { maxLength: 200 }), (puts) => {
        const map = new OffsetMap(400 * OFFSET_MAP_ENTRY_BYTES);
        const model = new Map<string, number>();
        for (const [key, offset] of puts) {
          map.put(Buffer.from(key), offset);
          model.set(key, offset);
        }
        for (const [key, offset] of model) expect(map.get(Buffer.from(key))).toBe(offset);
        expect(map.size).toBe(model.size);
      }),
    );
  });
});
