import { TributaryError } from '@tributary/errors';
import { CompressionType } from './batch-header';
import type { CompressionCodec } from './codecs/codec';
import { gzipCodec } from './codecs/gzip';
import { lz4Codec } from './codecs/lz4';
import { snappyCodec } from './codecs/snappy';
import { zstdCodec } from './codecs/zstd';

export type { CompressionCodec } from './codecs/codec';
export { tooLarge } from './codecs/codec';

/** Default cap on the decompressed size of one batch's records: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const codecs = new Map<CompressionType, CompressionCodec>(
  [gzipCodec, snappyCodec, lz4Codec, zstdCodec].map((codec) => [codec.type, codec]),
);

/**
 * The codec for `type`. Throws UNSUPPORTED_COMPRESSION_TYPE for an unknown
 * type (or, on first use, when the codec's native/wasm module cannot load).
 */
export function codecFor(type: CompressionType): CompressionCodec {
  const codec = codecs.get(type);
  if (codec === undefined) {
    throw new TributaryError('UNSUPPORTED_COMPRESSION_TYPE', `compression type ${type} is not supported`);
  }
  return codec;
}
