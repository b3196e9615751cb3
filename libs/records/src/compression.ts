import { gunzipSync, gzipSync } from 'node:zlib';
import { TributaryError } from '@tributary/errors';
import { CompressionType } from './batch-header';

/** Default cap on the decompressed size of one batch's records: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** A batch compression codec. `decompress` never produces more than `maxBytes` bytes. */
export interface CompressionCodec {
  readonly type: CompressionType;
  readonly name: string;
  compress(data: Buffer): Buffer;
  decompress(data: Buffer, maxBytes: number): Buffer;
}

export function tooLarge(maxBytes: number): TributaryError {
  return new TributaryError(
    'MESSAGE_TOO_LARGE',
    `decompressed records exceed the limit of ${maxBytes} bytes (maxDecompressedBytes)`,
  );
}

function isBufferTooLarge(error: unknown): boolean {
  return error instanceof RangeError || (error as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

const gzip: CompressionCodec = {
  type: CompressionType.Gzip,
  name: 'gzip',
  compress: (data) => gzipSync(data),
  decompress(data, maxBytes) {
    try {
      return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (error) {
      if (isBufferTooLarge(error)) throw tooLarge(maxBytes);
      throw new TributaryError('CORRUPT_MESSAGE', `gzip records do not decompress: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
};

const codecs = new Map<CompressionType, CompressionCodec>([[CompressionType.Gzip, gzip]]);

/** Registers (or replaces) the codec for its compression type. */
export function registerCodec(codec: CompressionCodec): void {
  codecs.set(codec.type, codec);
}

/** The codec for `type`; throws UNSUPPORTED_COMPRESSION_TYPE when there is none. */
export function codecFor(type: CompressionType): CompressionCodec {
  const codec = codecs.get(type);
  if (codec === undefined) {
    throw new TributaryError('UNSUPPORTED_COMPRESSION_TYPE', `compression type ${type} is not supported`);
  }
  return codec;
}
