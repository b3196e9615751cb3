import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Disk, diskErrorCode } from './disk';
import { NodeDisk } from './node-disk';
import { SimulatedDisk } from './simulated-disk';
import { readFileIfExists, writeFileAtomicSync } from '../log/atomic-file';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const implementations: [string, () => { disk: Disk; root: string }][] = [
  ['NodeDisk', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-disk-'));
    roots.push(root);
    return { disk: new NodeDisk(), root };
  }],
  ['SimulatedDisk', () => ({ disk: new SimulatedDisk(), root: '/r' })],
];

describe.each(implementations)('Disk contract: %s', (_name, make) => {
  it('reads and writes positionally, truncates, renames, lists and stats', async () => {
    const { disk, root } = make();
    disk.mkdir(path.join(root, 'a/b'));
    const file = path.join(root, 'a/b/f');
    const fd = disk.open(file, 'create');
    disk.write(fd, Buffer.from('hello world'), 0, 11, 0);
    disk.write(fd, Buffer.from('XY'), 0, 2, 20);
    expect(disk.size(fd)).toBe(22);
    const buf = Buffer.alloc(30);
    expect(disk.read(fd, buf, 0, 30, 0)).toBe(22);
    expect(buf.subarray(0, 22)).toEqual(Buffer.concat([Buffer.from('hello world'), Buffer.alloc(9), Buffer.from('XY')]));
    disk.truncate(fd, 5);
    expect(disk.read(fd, buf, 0, 30, 0)).toBe(5);
    disk.truncate(fd, 8);
    expect(disk.read(fd, buf, 0, 8, 0)).toBe(8);
    expect(buf.subarray(0, 8)).toEqual(Buffer.from('hello\0\0\0'));
    await disk.fsync(fd);
    disk.close(fd);
    await disk.fsyncDir(path.join(root, 'a/b'));
    disk.rename(file, path.join(root, 'a/b/g'));
    expect(disk.readdir(path.join(root, 'a/b'))).toEqual(['g']);
    expect(disk.stat(path.join(root, 'a/b/g'))).toMatchObject({ size: 8, isFile: true, isDirectory: false });
    expect(disk.stat(path.join(root, 'a/b'))).toMatchObject({ isDirectory: true });
    expect(disk.stat(file)).toBeUndefined();
    expect(() => disk.open(file, 'read')).toThrow();
    try {
      disk.open(file, 'readWrite');
    } catch (error) {
      expect(diskErrorCode(error)).toBe('ENOENT');
    }
    expect(() => disk.open(path.join(root, 'a/b/g'), 'createNew')).toThrow();
    const t = disk.open(path.join(root, 'a/b/g'), 'truncate');
    expect(disk.size(t)).toBe(0);
    disk.close(t);
    disk.unlink(path.join(root, 'a/b/g'));
    disk.rmdir(path.join(root, 'a/b'));
    expect(disk.readdir(path.join(root, 'a'))).toEqual([]);
  });

  it('writes files atomically', () => {
    const { disk, root } = make();
    disk.mkdir(root);
    const file = path.join(root, 'checkpoint');
    writeFileAtomicSync(disk, file, Buffer.from('one'));
    writeFileAtomicSync(disk, file, Buffer.from('two'));
    expect(readFileIfExists(disk, file)?.toString()).toBe('two');
    expect(disk.readdir(root)).toEqual(['checkpoint']);
  });
});

describe('SimulatedDisk crashes and faults', () => {
  it('keeps fsynced data and directory entries, loses the rest', () => {
    const disk = new SimulatedDisk({ seed: 3 });
    disk.mkdir('/d');
    disk.fsyncDirSync('/');
    const fd = disk.open('/d/f', 'create');
    disk.write(fd, Buffer.from('durable'), 0, 7, 0);
    disk.fsyncSync(fd);
    disk.fsyncDirSync('/d');
    disk.write(fd, Buffer.from('-volatile'), 0, 9, 7);
    const lost = disk.open('/d/new', 'create');
    disk.write(lost, Buffer.from('x'), 0, 1, 0);
    disk.fsyncSync(lost); // data synced, but its directory entry never was
    disk.crash({ mode: 'drop' });
    expect(() => disk.size(fd)).toThrow(/EBADF/);
    expect(disk.readdir('/d')).toEqual(['f']);
    expect(readFileIfExists(disk, '/d/f')?.toString()).toBe('durable');
  });

  it('tears the unsynced tail at a seeded byte: always a prefix of what was written', () => {
    for (let seed = 1; seed < 200; seed++) {
      const disk = new SimulatedDisk({ seed });
      disk.mkdir('/d');
      disk.fsyncDirSync('/');
      const fd = disk.open('/d/f', 'create');
      disk.fsyncDirSync('/d');
      const all = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
      disk.write(fd, all, 0, 10, 0);
      disk.fsyncSync(fd);
      disk.write(fd, all, 10, 10, 10);
      disk.write(fd, all, 20, 16, 20);
      disk.crash();
      const got = readFileIfExists(disk, '/d/f') as Buffer;
      expect(got.length).toBeGreaterThanOrEqual(10);
      expect(got.equals(all.subarray(0, got.length))).toBe(true);
    }
  });

  it("'last' mode keeps only a torn piece of the last unsynced write, past a hole", () => {
    const disk = new SimulatedDisk({ seed: 5 });
    disk.mkdir('/d');
    disk.fsyncDirSync('/');
    const fd = disk.open('/d/f', 'create');
    disk.fsyncDirSync('/d');
    disk.write(fd, Buffer.from('aaaa'), 0, 4, 0);
    disk.fsyncSync(fd);
    disk.write(fd, Buffer.from('bbbb'), 0, 4, 4);
    disk.write(fd, Buffer.from('cccc'), 0, 4, 8);
    disk.crash({ mode: 'last' });
    const got = readFileIfExists(disk, '/d/f') as Buffer;
    expect(got.subarray(0, 4).toString()).toBe('aaaa');
    if (got.length > 4) {
      expect(got.subarray(4, 8)).toEqual(Buffer.alloc(4));
      expect(Buffer.from('cccc').subarray(0, got.length - 8).equals(got.subarray(8))).toBe(true);
    }
  });

  it('injects EIO/ENOSPC/EROFS on chosen operations and paths, with skip and count', () => {
    const disk = new SimulatedDisk({ capacityBytes: 100 });
    disk.mkdir('/a');
    disk.mkdir('/b');
    const fa = disk.open('/a/f', 'create');
    const fb = disk.open('/b/f', 'create');
    const remove = disk.injectFault({ ops: ['write'], path: '/b/', code: 'EIO', skip: 1, count: 1 });
    disk.write(fb, Buffer.alloc(1), 0, 1, 0);
    expect(() => disk.write(fb, Buffer.alloc(1), 0, 1, 1)).toThrow(/EIO/);
    disk.write(fb, Buffer.alloc(1), 0, 1, 2);
    remove();
    disk.write(fa, Buffer.alloc(10), 0, 10, 0);
    try {
      disk.write(fa, Buffer.alloc(200), 0, 200, 10);
    } catch (error) {
      expect(diskErrorCode(error)).toBe('ENOSPC');
    }
    disk.injectFault({ ops: ['rename', 'write'], code: 'EROFS' });
    expect(() => disk.rename('/a/f', '/a/g')).toThrow(/EROFS/);
    // Sparse files cost no memory: a 1 GiB preallocation.
    disk.clearFaults();
    disk.setCapacityBytes(undefined);
    disk.truncate(fa, 1 << 30);
    expect(disk.size(fa)).toBe(1 << 30);
    expect(disk.usedBytes()).toBeLessThan(1 << 20);
  });
});
