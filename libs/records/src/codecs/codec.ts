import { TributaryError } from '@tributary/errors';
import type { CompressionType } from '../batch-header';

/** A batch compression codec. `decompress` never allocates or returns more than `maxBytes` bytes of output. */
export interface CompressionCodec {
  readonly type: CompressionType;
  readonly name: string;
  compress(data: Buffer): Buffer;
  decompress(data: Buffer, maxBytes: number): Buffer;
}

export function tooLarge(maxBytes: number, detail = ''): TributaryError {
  return new TributaryError(
    'MESSAGE_TOO_LARGE',
    `decompressed records exceed the limit of ${maxBytes} bytes (maxDecompressedBytes)${detail}`,
  );
}

export function corruptCompressed(codec: string, message: string, cause?: unknown): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', `${codec} records do not decompress: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Loads an optional native/wasm module on first use. A module that fails to
 * load makes its codec throw UNSUPPORTED_COMPRESSION_TYPE, not the whole library.
 */
export function lazyModule<T>(name: string, load: () => T): () => T {
  let loaded: { module: T } | { error: unknown } | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = { module: load() };
      } catch (error) {
        loaded = { error };
      }
    }
    if ('module' in loaded) return loaded.module;
    const cause = loaded.error;
    throw new TributaryError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `${name} is not available on this machine: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  };
}

/** Reads the unsigned little-endian base-128 varint at `at` (snappy's length preamble); undefined if malformed. */
export function readUvarint32(data: Uint8Array, at: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (at >= end) return undefined;
    const b = data[at++];
    if (shift === 28 && b > 0x0f) return undefined;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: at };
  }
  return undefined;
}
