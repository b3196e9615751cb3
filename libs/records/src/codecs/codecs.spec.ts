import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { TributaryError } from '@tributary/errors';
import { CompressionType } from '../batch-header';
import { codecFor } from '../compression';
import { hex } from '../test-support/batch-builder';
import { lz4FrameBound } from './lz4';
import { XERIAL_MAGIC } from './snappy';
import { zstdDeclaredSize } from './zstd';

const MiB = 1024 * 1024;
const sample = Buffer.from('tributary '.repeat(20_000)); // 200 kB, compressible

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).codeName).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}`);
}

/** A zstd frame with no content size: FHD 0x00, window descriptor, then `blocks` RLE blocks of 128 KiB of 'a'. */
function zstdRleFrame(blocks: number): Buffer {
  const parts = [hex('28b52ffd 00 58')]; // magic, FHD (no FCS, not single-segment), window 0x58 = 2^(10+11) = 2 MiB
  for (let i = 0; i < blocks; i++) {
    const last = i === blocks - 1 ? 1 : 0;
    const header = (128 * 1024 * 8) | (1 << 1) | last; // size << 3 | type RLE (1) << 1 | last
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x61]));
  }
  return Buffer.concat(parts);
}

describe('codecs', () => {
  it.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])('codec %s round-trips empty and large inputs', (type) => {
    const codec = codecFor(type);
    for (const data of [Buffer.alloc(0), Buffer.from('x'), sample, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) & 0xff))]) {
      expect(codec.decompress(codec.compress(data), 64 * MiB).equals(data)).toBe(true);
    }
  });

  it.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])('codec %s enforces the decompressed-size cap', (type) => {
    const codec = codecFor(type);
    const compressed = codec.compress(sample);
    expect(codec.decompress(compressed, sample.length).length).toBe(sample.length);
    expectCode(() => codec.decompress(compressed, sample.length - 1), 'MESSAGE_TOO_LARGE', /maxDecompressedBytes/);
  });

  it('gzip: a bomb stops at the cap', () => {
    const bomb = gzipSync(Buffer.alloc(50 * MiB));
    expect(bomb.length).toBeLessThan(100_000);
    expectCode(() => codecFor(CompressionType.Gzip).decompress(bomb, MiB), 'MESSAGE_TOO_LARGE');
    expectCode(() => codecFor(CompressionType.Gzip).decompress(hex('1f8b0800 0000'), MiB), 'CORRUPT_MESSAGE', /gzip/);
  });

  it('snappy: writes xerial framing in 32 KiB blocks as Kafka does', () => {
    const out = codecFor(CompressionType.Snappy).compress(sample);
    expect(out.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
    expect(out.readInt32BE(8)).toBe(1);
    expect(out.readInt32BE(12)).toBe(1);
    let chunks = 0;
    for (let pos = 16; pos < out.length; pos += 4 + out.readInt32BE(pos)) chunks++;
    expect(chunks).toBe(Math.ceil(sample.length / 32768));
  });

  it('snappy: checks declared lengths before decompressing', () => {
    const snappy = codecFor(CompressionType.Snappy);
    // A raw block whose preamble claims 2^32 - 1 bytes: refused without allocating.
    expectCode(() => snappy.decompress(hex('ffffffff0f 00'), 64 * MiB), 'MESSAGE_TOO_LARGE');
    expectCode(() => snappy.decompress(hex('ffffffffff'), 64 * MiB), 'CORRUPT_MESSAGE', /preamble/);
    // xerial chunks whose declared sizes add up past the cap.
    const chunk = hex('00000006 80808010 0000'); // preamble 2^25 (32 MiB)
    const framed = Buffer.concat([XERIAL_MAGIC, hex('00000001 00000001'), chunk, chunk, chunk]);
    expectCode(() => snappy.decompress(framed, 64 * MiB), 'MESSAGE_TOO_LARGE');
    expectCode(() => snappy.decompress(Buffer.concat([XERIAL_MAGIC, hex('00000001 00000001 7fffffff 00')]), MiB), 'CORRUPT_MESSAGE', /chunk size/);
    expectCode(() => snappy.decompress(hex('05 00 61'), MiB), 'CORRUPT_MESSAGE');
  });

  it('lz4: writes the frame format Kafka reads (independent blocks of 64 KiB–4 MiB, no checksums)', () => {
    for (const data of [Buffer.from('small'), sample]) {
      const out = codecFor(CompressionType.Lz4).compress(data);
      expect(out.readUInt32LE(0)).toBe(0x184d2204);
      expect(out[4]).toBe(0x60); // version 01, block independence, no checksums, no content size
      const blockSizeId = out[5] >> 4; // KafkaLZ4BlockInputStream accepts ids 4–7
      expect(blockSizeId).toBeGreaterThanOrEqual(4);
      expect(blockSizeId).toBeLessThanOrEqual(7);
      expect(out[5] & 0x8f).toBe(0);
      expect(lz4FrameBound(out)).toBeGreaterThanOrEqual(data.length);
    }
  });

  it('lz4: decodes block by block within the cap when the frame bound exceeds it', () => {
    const lz4 = codecFor(CompressionType.Lz4);
    const compressed = lz4.compress(sample); // bound > 200 kB
    expect(lz4FrameBound(compressed)).toBeGreaterThan(sample.length);
    expect(lz4.decompress(compressed, sample.length).equals(sample)).toBe(true);
    expectCode(() => lz4.decompress(compressed, sample.length - 1), 'MESSAGE_TOO_LARGE');
    // The lz4 CLI (`lz4 -BD -B4`) on the same 200 kB: linked 64 KiB blocks and a content checksum.
    const linked = readFileSync(path.join(__dirname, 'fixtures', 'linked-blocks.lz4'));
    expect(linked[4]).toBe(0x44); // version 01, dependent blocks, content checksum
    expect(lz4.decompress(linked, 64 * MiB).equals(sample)).toBe(true);
    expect(lz4.decompress(linked, sample.length).equals(sample)).toBe(true); // block by block, with dictionaries
    expectCode(() => lz4.decompress(linked, sample.length - 1), 'MESSAGE_TOO_LARGE');
    const badChecksum = Buffer.from(linked);
    badChecksum[badChecksum.length - 1] ^= 1;
    expectCode(() => lz4.decompress(badChecksum, sample.length), 'CORRUPT_MESSAGE', /checksum/);
    expectCode(() => lz4.decompress(badChecksum, 64 * MiB), 'CORRUPT_MESSAGE');
  });

  it('lz4: bounds the output from the frame before decompressing', () => {
    // Frame: magic | FLG 0x60 | BD 0x70 (4 MiB blocks) | HC | 20 uncompressed one-byte blocks | end mark.
    const header = hex('04224d18 60 70 73');
    const block = hex('01000080 61');
    const frame = Buffer.concat([header, ...Array(20).fill(block), hex('00000000')]);
    expect(lz4FrameBound(frame)).toBe(20 * 4 * MiB);
    expect(codecFor(CompressionType.Lz4).decompress(frame, 80 * MiB).toString()).toBe('a'.repeat(20));
    // Its bound (80 MiB) exceeds a 64 MiB cap, so it is decoded block by block within the cap.
    expect(codecFor(CompressionType.Lz4).decompress(frame, 64 * MiB).toString()).toBe('a'.repeat(20));
    expectCode(() => codecFor(CompressionType.Lz4).decompress(frame, 19), 'MESSAGE_TOO_LARGE');
    expectCode(() => lz4FrameBound(hex('04224d18 60 70 00 00000000')), 'CORRUPT_MESSAGE', /checksum/);
    expectCode(() => lz4FrameBound(hex('04224d18 60 70 73 ffff0000')), 'CORRUPT_MESSAGE', /does not fit/);
    expectCode(() => lz4FrameBound(hex('04224d18 61 70 73')), 'CORRUPT_MESSAGE', /dictionary/);
    expectCode(() => lz4FrameBound(hex('00000000 60 70 73')), 'CORRUPT_MESSAGE', /magic/);
  });

  it('zstd: reads the declared content size, or grows its buffer to the cap when there is none', () => {
    const zstd = codecFor(CompressionType.Zstd);
    expect(zstdDeclaredSize(zstd.compress(sample))).toBe(sample.length);
    const frame = zstdRleFrame(8); // 1 MiB of 'a' in 12 bytes + headers, no declared size
    expect(zstdDeclaredSize(frame)).toBeUndefined();
    const out = zstd.decompress(frame, 2 * MiB);
    expect(out.length).toBe(MiB);
    expect(out.every((c) => c === 0x61)).toBe(true);
    expectCode(() => zstd.decompress(frame, MiB - 1), 'MESSAGE_TOO_LARGE');
    // A frame claiming 2^40 bytes is refused before any allocation.
    expectCode(() => zstd.decompress(hex('28b52ffd e0 0000000000010000'), 64 * MiB), 'MESSAGE_TOO_LARGE');
    expectCode(() => zstd.decompress(hex('28b52ffd 00 58 ffffff'), MiB), 'CORRUPT_MESSAGE');
    expectCode(() => zstd.decompress(hex('00112233 00'), MiB), 'CORRUPT_MESSAGE', /magic/);
  });

  it('refuses undefined compression ids', () => {
    expectCode(() => codecFor(6 as CompressionType), 'UNSUPPORTED_COMPRESSION_TYPE');
  });
});
