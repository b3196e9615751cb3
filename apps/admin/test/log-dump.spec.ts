import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTempDir } from '@tributary/testing';
import { runTributary, startBroker } from './support/cli-harness';

describe('tributary log dump on segment files written by the broker', () => {
  let partitionDir: string;

  beforeAll(async () => {
    const broker = await startBroker();
    const cli = (args: string[], input?: string) => runTributary([...args, '--bootstrap-server', broker.bootstrap], { input });
    // An index entry after every batch, so the indexes have something to show.
    expect((await cli(['topics', 'create', 'dumped', '--partitions', '1', '--config', 'index.interval.bytes=1'])).code).toBe(0);
    // Three runs, three batches: one uncompressed with a header, one snappy, one zstd.
    expect((await cli(['produce', 'dumped', '--key-separator', ':', '--header', 'h=1'], 'k1:v1\nk2:v2\n')).code).toBe(0);
    expect((await cli(['produce', 'dumped', '--compression', 'snappy'], 'plain\n')).code).toBe(0);
    expect((await cli(['produce', 'dumped', '--compression', 'zstd', '--acks', '1'], 'z1\nz2\nz3\n')).code).toBe(0);
    // A clean shutdown writes the trimmed indexes (the broker keeps them in memory while it runs).
    expect((await broker.process.stop()).code).toBe(0);
    partitionDir = path.join(broker.logDir.path, 'dumped-0');
  });

  it('decodes batches and records of the .log, and the .index and .timeindex entries', async () => {
    const names = readdirSync(partitionDir).filter((n) => /\.(log|index|timeindex)$/.test(n)).sort();
    expect(names).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    const result = await runTributary(['log', 'dump', ...names.map((n) => path.join(partitionDir, n)), '--print-records', '--json']);
    expect(result.code).toBe(0);
    const { files } = JSON.parse(result.stdout);
    const [index, log, timeIndex] = files;
    expect(log.corruption).toBeNull();
    expect(log.batches.map((b: { baseOffset: number; lastOffset: number; count: number; compression: string; crcValid: boolean }) => [b.baseOffset, b.lastOffset, b.count, b.compression, b.crcValid])).toEqual([
      [0, 1, 2, 'none', true],
      [2, 2, 1, 'snappy', true],
      [3, 5, 3, 'zstd', true],
    ]);
    expect(log.batches[0].records[0]).toMatchObject({ offset: 0, key: { encoding: 'utf8', text: 'k1' }, value: { encoding: 'utf8', text: 'v1' }, headers: [{ key: 'h', value: { text: '1' } }] });
    expect(log.batches[2].records.map((r: { value: { text: string } }) => r.value.text)).toEqual(['z1', 'z2', 'z3']);
    // Idempotent by default with acks=all: a producer id and sequences; acks=1 turns idempotence off.
    expect(log.batches[0].producerId).toBeGreaterThanOrEqual(0);
    expect(log.batches[2].producerId).toBe(-1);
    const positions = log.batches.map((b: { position: number }) => b.position);
    expect(index.problem).toBeNull();
    for (const entry of index.entries) expect(positions).toContain(entry.position);
    expect(index.entries.length).toBeGreaterThan(0);
    expect(timeIndex.problem).toBeNull();
    expect(timeIndex.entries.length).toBeGreaterThan(0);

    const text = await runTributary(['log', 'dump', path.join(partitionDir, '00000000000000000000.log')]);
    expect(text.stdout.split('\n')[1]).toMatch(/^baseOffset: 0 lastOffset: 1 count: 2 .* position: 0 CreateTime: \d+ .* compresscodec: none crc: \d+ isvalid: true$/);
  });

  it('reports a corrupted copy without crashing, and exits 1', async () => {
    const dir = createTempDir('corrupt-copy');
    const copy = dir.join('00000000000000000000.log');
    copyFileSync(path.join(partitionDir, '00000000000000000000.log'), copy);
    const bytes = readFileSync(copy);
    const first = bytes.readInt32BE(8) + 12;
    bytes[first - 3] ^= 0x5a; // inside the first batch's records: its CRC no longer matches
    writeFileSync(copy, bytes.subarray(0, bytes.length - 4)); // and the last batch loses its tail
    const result = await runTributary(['log', 'dump', copy, '--print-records']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`tributary: corrupt data in ${copy}\n`);
    expect(result.stdout).toMatch(/^baseOffset: 0 .* isvalid: false$/m);
    expect(result.stdout).toMatch(/^baseOffset: 2 .* isvalid: true$/m);
    expect(result.stdout).toMatch(/^Corrupt data at position \d+: batch of \d+ bytes runs past the end of the file/m);

    const missing = await runTributary(['log', 'dump', dir.join('nope.log')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tributary: ENOENT: no such file or directory[^\n]*\n$/);
    const unknownKind = await runTributary(['log', 'dump', dir.join('notes.txt')]);
    expect(unknownKind.code).toBe(2);
  });
});
