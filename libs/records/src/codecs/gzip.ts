import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, tooLarge } from './codec';

/** gzip via node:zlib; zlib's maxOutputLength bounds the output while inflating. */
export const gzipCodec: CompressionCodec = {
  type: CompressionType.Gzip,
  name: 'gzip',
  compress: (data) => gzipSync(data),
  decompress(data, maxBytes) {
    try {
      return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
      throw corruptCompressed('gzip', (error as Error).message, error);
    }
  },
};
