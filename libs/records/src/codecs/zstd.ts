import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, lazyModule, tooLarge } from './codec';

/**
 * zstd through @bokuweb/zstd-wasm: zstd's C library compiled to WebAssembly,
 * with no install scripts and no per-platform binaries. Node 20's zlib has no
 * zstd; the native bindings (zstd-napi, @mongodb-js/zstd) download prebuilt
 * binaries in an install script, which cannot run here. The package's own
 * `init()` is async; we instantiate its wasm synchronously through
 * emscripten's `instantiateWasm` hook so the codec stays synchronous.
 */
interface ZstdWasm {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _ZSTD_compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _ZSTD_compressBound(srcSize: number): number;
  _ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  _ZSTD_isError(code: number): number;
  instantiateWasm?: (imports: object, receive: (instance: WasmInstance) => void) => object;
  init(): void;
}

/** The few WebAssembly globals used (the ES2023 lib without DOM does not declare them). */
interface WasmInstance {
  exports: object;
}
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

/** Kafka's default zstd level. */
const ZSTD_LEVEL = 3;
/** ZSTD_error_dstSize_tooSmall, as the negative int32 the wasm returns. */
const ZSTD_DST_TOO_SMALL = -70;
const ZSTD_MAGIC = 0xfd2fb528;
/** First output guess when the frame does not declare its size. */
const MIN_GUESS_BYTES = 64 * 1024;

const zstd = lazyModule<ZstdWasm>('@bokuweb/zstd-wasm', () => {
  const dir = path.dirname(require.resolve('@bokuweb/zstd-wasm'));
  const wasm = new wasmApi.Module(readFileSync(path.join(dir, 'zstd.wasm')));
  const module = (require(path.join(dir, 'module.js')) as { Module: ZstdWasm }).Module;
  module.instantiateWasm = (imports, receive) => {
    const instance = new wasmApi.Instance(wasm, imports);
    receive(instance);
    return instance.exports;
  };
  module.init();
  if (typeof module._ZSTD_decompress !== 'function' || module.HEAPU8 === undefined) {
    throw new Error('zstd wasm did not initialise synchronously');
  }
  return module;
});

function malloc(z: ZstdWasm, size: number): number {
  const pointer = z._malloc(Math.max(size, 1));
  if (pointer === 0) throw tooLarge(size, ' (the zstd wasm heap cannot grow that far)');
  return pointer;
}

function compress(data: Buffer): Buffer {
  const z = zstd();
  const bound = z._ZSTD_compressBound(data.length);
  const src = malloc(z, data.length);
  const dst = malloc(z, bound);
  try {
    z.HEAPU8.set(data, src);
    const size = z._ZSTD_compress(dst, bound, src, data.length, ZSTD_LEVEL);
    if (z._ZSTD_isError(size)) throw corruptCompressed('zstd', `compression failed with code ${size}`);
    return Buffer.from(z.HEAPU8.subarray(dst, dst + size));
  } finally {
    z._free(dst);
    z._free(src);
  }
}

/**
 * The content size the first frame header declares, or undefined if it does
 * not declare one (Kafka's Java client streams frames without it).
 */
export function zstdDeclaredSize(data: Buffer): number | undefined {
  if (data.length < 5 || data.readUInt32LE(0) !== ZSTD_MAGIC) throw corruptCompressed('zstd', 'not a zstd frame (bad magic)');
  const fhd = data[4];
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictIdBytes = [0, 1, 2, 4][fhd & 3];
  const fcsBytes = [singleSegment, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  if (data.length < at + fcsBytes) throw corruptCompressed('zstd', 'truncated frame header');
  switch (fcsBytes) {
    case 1:
      return data[at];
    case 2:
      return data.readUInt16LE(at) + 256;
    case 4:
      return data.readUInt32LE(at);
    default: {
      const hi = data.readUInt32LE(at + 4);
      return hi > 0x1fffff ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + data.readUInt32LE(at);
    }
  }
}

/**
 * Decompresses into an output buffer of at most `maxBytes`: sized by the frame's
 * declared content size when it has one, otherwise grown 4× per attempt from a
 * guess until it fits or reaches the cap (zstd reports dstSize_tooSmall rather
 * than writing past the buffer).
 */
function decompress(data: Buffer, maxBytes: number): Buffer {
  const declared = zstdDeclaredSize(data);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
  const z = zstd();
  let capacity = Math.min(maxBytes, declared ?? Math.max(MIN_GUESS_BYTES, data.length * 8));
  const src = malloc(z, data.length);
  try {
    z.HEAPU8.set(data, src);
    for (;;) {
      const dst = malloc(z, capacity);
      try {
        const size = z._ZSTD_decompress(dst, capacity, src, data.length);
        if (!z._ZSTD_isError(size)) return Buffer.from(z.HEAPU8.subarray(dst, dst + size));
        if (size !== ZSTD_DST_TOO_SMALL) throw corruptCompressed('zstd', `error code ${-size}`);
        if (capacity >= maxBytes) throw tooLarge(maxBytes);
        capacity = Math.min(maxBytes, capacity * 4);
      } finally {
        z._free(dst);
      }
    }
  } finally {
    z._free(src);
  }
}

export const zstdCodec: CompressionCodec = { type: CompressionType.Zstd, name: 'zstd', compress, decompress };
