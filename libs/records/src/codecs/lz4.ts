import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, lazyModule, tooLarge } from './codec';
import { xxhash32 } from './xxhash32';

interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
  /** lz4_flex's block decoder: a little-endian uint32 size limit, then the block. */
  uncompressSync(data: Buffer, dict?: Buffer): Buffer;
}

const lz4 = lazyModule<Lz4Module>('lz4-napi', () => require('lz4-napi') as Lz4Module);

const LZ4_FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED_BIT = 0x80000000;

interface FrameLayout {
  /** The most bytes the frame can decompress to: the declared content size, or block count × block maximum. */
  bound: number;
  blockMax: number;
  independent: boolean;
  contentChecksum: boolean;
  /** Each block: where its data starts, its length, and whether it is stored uncompressed. */
  blocks: { at: number; size: number; stored: boolean }[];
}

/** Parses an LZ4 frame's header and block table without decompressing. Throws CORRUPT_MESSAGE when malformed. */
function parseFrame(data: Buffer): FrameLayout {
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
  const blocks: FrameLayout['blocks'] = [];
  for (;;) {
    if (data.length - pos < 4) throw fail('truncated block header');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = (word & ~BLOCK_UNCOMPRESSED_BIT) >>> 0;
    if (size > blockMax || size + trailer > data.length - pos) throw fail(`block of ${size} bytes does not fit`);
    blocks.push({ at: pos, size, stored: (word & BLOCK_UNCOMPRESSED_BIT) !== 0 });
    pos += size + trailer;
  }
  const contentChecksum = (flg & FLG_CONTENT_CHECKSUM) !== 0;
  if (contentChecksum) pos += 4;
  if (pos !== data.length) throw fail(`${data.length - pos} bytes after the end mark`);
  const bound = blocks.length * blockMax;
  return {
    bound: contentSize === undefined ? bound : Math.min(contentSize, bound),
    blockMax,
    independent: (flg & FLG_BLOCK_INDEPENDENCE) !== 0,
    contentChecksum,
    blocks,
  };
}

/** The most bytes an LZ4 frame can decompress to (see parseFrame); throws CORRUPT_MESSAGE when malformed. */
export function lz4FrameBound(data: Buffer): number {
  return parseFrame(data).bound;
}

/** Linked blocks may refer back this far into earlier output. */
const LZ4_WINDOW = 64 * 1024;

/**
 * The slow path, for frames whose bound exceeds the cap but whose content may
 * not: decompress block by block, each into at most the bytes the cap has
 * left, so the cap holds exactly.
 */
function decompressByBlock(module: Lz4Module, data: Buffer, layout: FrameLayout, maxBytes: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const block of layout.blocks) {
    const room = maxBytes - total;
    if (room <= 0) throw tooLarge(maxBytes);
    const payload = data.subarray(block.at, block.at + block.size);
    let out: Buffer;
    if (block.stored) {
      if (block.size > room) throw tooLarge(maxBytes);
      out = payload;
    } else {
      const limit = Math.min(layout.blockMax, room);
      const input = Buffer.allocUnsafe(4 + block.size);
      input.writeUInt32LE(limit, 0);
      payload.copy(input, 4);
      const previous = layout.independent || total === 0 ? undefined : Buffer.concat(parts).subarray(-LZ4_WINDOW);
      try {
        out = module.uncompressSync(input, previous);
      } catch (error) {
        if (limit < layout.blockMax) throw tooLarge(maxBytes);
        throw corruptCompressed('lz4', (error as Error).message, error);
      }
    }
    parts.push(out);
    total += out.length;
  }
  const result = Buffer.concat(parts, total);
  if (layout.contentChecksum) {
    const end = data.length;
    if (xxhash32(result) !== data.readUInt32LE(end - 4)) throw corruptCompressed('lz4', 'content checksum mismatch');
  }
  return result;
}

/**
 * LZ4 frame format, as Kafka uses for magic >= 1: lz4-napi (lz4_flex) writes
 * FLG 0x60 (version 01, independent blocks, no checksums) and a BD block size
 * of 64 KiB–4 MiB (lz4_flex picks it from the input size), all of which Kafka's
 * KafkaLZ4BlockInputStream reads. Decoding parses the frame first: when its
 * bound fits the cap, one native call decodes it; otherwise block by block
 * within the cap.
 */
export const lz4Codec: CompressionCodec = {
  type: CompressionType.Lz4,
  name: 'lz4',
  compress: (data) => lz4().compressFrameSync(data),
  decompress(data, maxBytes) {
    const layout = parseFrame(data);
    const module = lz4();
    if (layout.bound > maxBytes) return decompressByBlock(module, data, layout, maxBytes);
    let out: Buffer;
    try {
      out = module.decompressFrameSync(data);
    } catch (error) {
      throw corruptCompressed('lz4', (error as Error).message, error);
    }
    if (out.length > layout.bound) throw corruptCompressed('lz4', 'frame decompressed past its bound');
    return out;
  },
};
