import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, lazyModule, tooLarge } from './codec';
import { xxhash32 } from './xxhash32';

interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
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
 * An LZ4 sequence turns n input bytes into at most about 255n output bytes
 * (each 0xff length byte adds 255); used to size a block's output buffer
 * below the block maximum. A block that still does not fit is retried at the
 * block maximum before being called corrupt.
 */
const LZ4_MAX_EXPANSION = 255;

/** One block through lz4_flex's block decoder with an output limit; undefined if it fails (corrupt, or larger than `limit`). */
function tryUncompressBlock(module: Lz4Module, payload: Buffer, limit: number, dict: Buffer | undefined): Buffer | undefined {
  const input = Buffer.allocUnsafe(4 + payload.length);
  input.writeUInt32LE(limit, 0);
  payload.copy(input, 4);
  try {
    return module.uncompressSync(input, dict);
  } catch {
    return undefined;
  }
}

/** The last `n` bytes of the concatenation of `parts`, copying only the parts needed. */
function lastBytes(parts: Buffer[], n: number): Buffer {
  let i = parts.length;
  let length = 0;
  while (i > 0 && length < n) length += parts[--i].length;
  return Buffer.concat(parts.slice(i)).subarray(-n);
}

/**
 * Decompresses block by block through lz4_flex's block decoder, each block
 * into at most the bytes the cap has left, so the cap holds exactly and no
 * buffer is sized by anything but the cap and the block maximum. (lz4-napi's
 * own frame decoder has no cap and measured 2–10× slower here.)
 */
function decompressFrame(module: Lz4Module, data: Buffer, maxBytes: number): Buffer {
  const layout = parseFrame(data);
  const parts: Buffer[] = [];
  let total = 0;
  for (const block of layout.blocks) {
    const room = maxBytes - total;
    const payload = data.subarray(block.at, block.at + block.size);
    let out: Buffer;
    if (block.stored) {
      if (block.size > room) throw tooLarge(maxBytes);
      out = payload;
    } else {
      const dict = layout.independent || total === 0 ? undefined : lastBytes(parts, LZ4_WINDOW);
      const limit = Math.min(layout.blockMax, room);
      const guess = Math.min(limit, block.size * LZ4_MAX_EXPANSION + 64);
      const decoded =
        tryUncompressBlock(module, payload, guess, dict) ??
        (guess < limit ? tryUncompressBlock(module, payload, limit, dict) : undefined);
      if (decoded === undefined) {
        // Too big for the room the cap leaves, or corrupt? Only a decode without the cap can tell.
        const uncapped = limit < layout.blockMax && tryUncompressBlock(module, payload, layout.blockMax, dict) !== undefined;
        throw uncapped ? tooLarge(maxBytes) : corruptCompressed('lz4', `block at ${block.at} does not decode`);
      }
      out = decoded;
    }
    parts.push(out);
    total += out.length;
  }
  const result = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  if (layout.contentChecksum && xxhash32(result) !== data.readUInt32LE(data.length - 4)) {
    throw corruptCompressed('lz4', 'content checksum mismatch');
  }
  return result;
}

/**
 * LZ4 frame format, as Kafka uses for magic >= 1: lz4-napi (lz4_flex) writes
 * FLG 0x60 (version 01, independent blocks, no checksums) and a BD block size
 * of 64 KiB–4 MiB (lz4_flex picks it from the input size), all of which Kafka's
 * KafkaLZ4BlockInputStream reads. Decoding parses the frame, then decodes
 * block by block within the cap; linked blocks and content checksums (the lz4
 * CLI's defaults) are supported, block checksums are skipped.
 */
export const lz4Codec: CompressionCodec = {
  type: CompressionType.Lz4,
  name: 'lz4',
  compress: (data) => lz4().compressFrameSync(data),
  decompress: (data, maxBytes) => decompressFrame(lz4(), data, maxBytes),
};
