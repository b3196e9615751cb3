/**
 * CRC32C (Castagnoli), the checksum of RecordBatch v2. Native (`@node-rs/crc32`,
 * SSE4.2/ARMv8 instructions) when it loads; otherwise a slicing-by-8 table in
 * plain JavaScript, which gives the same answers an order of magnitude slower.
 */

type Crc32cFn = (data: Uint8Array, initial?: number) => number;

const POLY_REVERSED = 0x82f63b78;

/** 8 tables of 256 entries for slicing-by-8, built once on first use. */
let tables: Int32Array | undefined;

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REVERSED : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

/**
 * Pure-JavaScript CRC32C. `initial` is a previous result to continue from
 * (the same convention as the native function: pass the CRC of the bytes so far).
 */
export function crc32cJs(data: Uint8Array, initial = 0): number {
  const t = (tables ??= buildTables());
  let crc = ~initial;
  let i = 0;
  const n = data.length;
  const end8 = n - (n & 7);
  for (; i < end8; i += 8) {
    const lo = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    const hi = data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24);
    crc =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + (hi & 0xff)] ^
      t[512 + ((hi >>> 8) & 0xff)] ^
      t[256 + ((hi >>> 16) & 0xff)] ^
      t[hi >>> 24];
  }
  for (; i < n; i++) crc = t[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

function loadNative(): Crc32cFn | undefined {
  try {
    const native = require('@node-rs/crc32') as { crc32c(input: Uint8Array, initialState?: number | null): number };
    if (native.crc32c(Buffer.from('123456789')) !== 0xe3069283) return undefined;
    return (data, initial) => native.crc32c(data, initial);
  } catch {
    return undefined;
  }
}

const nativeCrc32c = loadNative();

/** Whether the native implementation loaded (false means the JS fallback is in use). */
export const CRC32C_IS_NATIVE = nativeCrc32c !== undefined;

/**
 * CRC32C of `data`, as an unsigned 32-bit number. `initial` continues a running
 * checksum: `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`.
 */
export const crc32c: (data: Uint8Array, initial?: number) => number = nativeCrc32c ?? crc32cJs;
