import { CompressionType } from '../batch-header';
import { type CompressionCodec, corruptCompressed, lazyModule, readUvarint32, tooLarge } from './codec';

interface SnappyModule {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options: { asBuffer: true }): Buffer;
}

const snappy = lazyModule<SnappyModule>('snappy', () => require('snappy') as SnappyModule);

/**
 * Kafka's Java client writes snappy through xerial's SnappyOutputStream: a
 * 16-byte header (magic 0x82 'SNAPPY' 0, version 1, compatible version 1,
 * big-endian int32s), then chunks of [int32 BE compressed length][raw snappy
 * block], each block holding at most 32 KiB of input.
 */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** xerial's default block size, which Kafka uses. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

function compress(data: Buffer): Buffer {
  const s = snappy();
  const chunks: Buffer[] = [];
  let total = XERIAL_HEADER_BYTES;
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_BYTES) {
    const block = s.compressSync(data.subarray(at, Math.min(at + XERIAL_BLOCK_BYTES, data.length)));
    chunks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(XERIAL_VERSION, 8);
  out.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  let pos = XERIAL_HEADER_BYTES;
  for (const block of chunks) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

/** The uncompressed length a raw snappy block declares in its preamble. */
function declaredLength(block: Buffer): number {
  const preamble = readUvarint32(block, 0, block.length);
  if (preamble === undefined) throw corruptCompressed('snappy', 'bad block length preamble');
  return preamble.value;
}

function uncompressBlock(block: Buffer): Buffer {
  try {
    return snappy().uncompressSync(block, { asBuffer: true });
  } catch (error) {
    throw corruptCompressed('snappy', (error as Error).message, error);
  }
}

function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

/**
 * Decodes xerial-framed snappy (what Kafka writes) or a raw snappy block. Every
 * block's declared length is summed and checked against the cap before any
 * block is decompressed.
 */
function decompress(data: Buffer, maxBytes: number): Buffer {
  if (!isXerial(data)) {
    const length = declaredLength(data);
    if (length > maxBytes) throw tooLarge(maxBytes);
    return uncompressBlock(data);
  }
  const blocks: Buffer[] = [];
  let total = 0;
  for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
    if (data.length - pos < 4) throw corruptCompressed('snappy', `truncated chunk header at ${pos}`);
    const size = data.readInt32BE(pos);
    pos += 4;
    if (size <= 0 || size > data.length - pos) {
      throw corruptCompressed('snappy', `chunk size ${size} at ${pos - 4} does not fit in ${data.length - pos} bytes`);
    }
    const block = data.subarray(pos, pos + size);
    total += declaredLength(block);
    if (total > maxBytes) throw tooLarge(maxBytes);
    blocks.push(block);
    pos += size;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const block of blocks) {
    const raw = uncompressBlock(block);
    if (raw.length !== declaredLength(block)) throw corruptCompressed('snappy', 'block length differs from its preamble');
    raw.copy(out, pos);
    pos += raw.length;
  }
  return out;
}

export const snappyCodec: CompressionCodec = { type: CompressionType.Snappy, name: 'snappy', compress, decompress };
