import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, lazyModule, tooLarge } from './codec';
import { xxhash32 } from './xxhash32';

interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

const lz4 = lazyModule<Lz4Module>('lz4-napi', () => require('lz4-napi') as Lz4Module);

const LZ4_FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED_BIT = 0x80000000;

/**
 * Walks an LZ4 frame's header and block sizes without decompressing and
 * returns the most bytes it can decompress to: the declared content size, or
 * block count × block maximum. Throws CORRUPT_MESSAGE for a malformed frame.
 */
export function lz4FrameBound(data: Buffer): number {
  const fail = (message: string) => corruptCompressed('lz4', message);
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw fail('not an LZ4 frame (bad magic)');
  const flg = data[4];
  const bd = data[5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01 || flg & FLG_RESERVED || bd & 0x8f) throw fail('bad frame descriptor');
  if (flg & FLG_DICT_ID) throw fail('dictionary frames are not supported');
  const blockSizeId = bd >> 4;
  if (blockSizeId < 4) throw fail(`bad block size id ${blockSizeId}`);
  const blockMax = 1 << (2 * blockSizeId + 8);
  let pos = 6;
  let contentSize: number | undefined;
  if (flg & FLG_CONTENT_SIZE) {
    if (data.length < 15) throw fail('truncated frame descriptor');
    const hi = data.readUInt32LE(10);
    contentSize = hi > 0x1fffff ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + data.readUInt32LE(6);
    pos = 14;
  }
  if (((xxhash32(data, 4, pos) >>> 8) & 0xff) !== data[pos]) throw fail('frame descriptor checksum mismatch');
  pos++;
  const trailer = flg & FLG_BLOCK_CHECKSUM ? 4 : 0;
  let blocks = 0;
  for (;;) {
    if (data.length - pos < 4) throw fail('truncated block header');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = (word & ~BLOCK_UNCOMPRESSED_BIT) >>> 0;
    if (size > blockMax || size + trailer > data.length - pos) throw fail(`block of ${size} bytes does not fit`);
    pos += size + trailer;
    blocks++;
  }
  if (flg & FLG_CONTENT_CHECKSUM) pos += 4;
  if (pos !== data.length) throw fail(`${data.length - pos} bytes after the end mark`);
  const bound = blocks * blockMax;
  return contentSize === undefined ? bound : Math.min(contentSize, bound);
}

/**
 * LZ4 frame format, as Kafka uses for magic >= 1: lz4-napi (lz4_flex) writes
 * FLG 0x60 (version 01, independent blocks, no checksums) and BD 0x40 (64 KiB
 * blocks), which Kafka's KafkaLZ4BlockInputStream reads. Decoding first bounds
 * the output with lz4FrameBound, then decodes natively.
 */
export const lz4Codec: CompressionCodec = {
  type: CompressionType.Lz4,
  name: 'lz4',
  compress: (data) => lz4().compressFrameSync(data),
  decompress(data, maxBytes) {
    const bound = lz4FrameBound(data);
    if (bound > maxBytes) throw tooLarge(maxBytes, ` (the LZ4 frame may hold up to ${bound} bytes)`);
    const module = lz4();
    let out: Buffer;
    try {
      out = module.decompressFrameSync(data);
    } catch (error) {
      throw corruptCompressed('lz4', (error as Error).message, error);
    }
    if (out.length > bound) throw corruptCompressed('lz4', 'frame decompressed past its bound');
    return out;
  },
};
