import * as fs from 'node:fs';
import type { Disk, DiskStat, Fd, OpenMode } from './disk';

const FLAGS: Record<OpenMode, number> = {
  read: fs.constants.O_RDONLY,
  readWrite: fs.constants.O_RDWR,
  create: fs.constants.O_RDWR | fs.constants.O_CREAT,
  createNew: fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL,
  truncate: fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC,
};

function fdatasync(fd: Fd): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

/**
 * The real disk on `node:fs`: synchronous pread/pwrite (page-cache speed, no
 * thread-pool hop), asynchronous fdatasync on the libuv pool so that one fsync
 * can be in flight while appends continue (group commit). See {@link Disk}.
 */
export class NodeDisk implements Disk {
  open(path: string, mode: OpenMode): Fd {
    return fs.openSync(path, FLAGS[mode], 0o644);
  }

  close(fd: Fd): void {
    fs.closeSync(fd);
  }

  read(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, bufOffset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  write(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      done += fs.writeSync(fd, buf, bufOffset + done, length - done, position + done);
    }
  }

  size(fd: Fd): number {
    return fs.fstatSync(fd).size;
  }

  truncate(fd: Fd, length: number): void {
    fs.ftruncateSync(fd, length);
  }

  fsync(fd: Fd): Promise<void> {
    return fdatasync(fd);
  }

  fsyncSync(fd: Fd): void {
    fs.fdatasyncSync(fd);
  }

  async fsyncDir(path: string): Promise<void> {
    const fd = await fs.promises.open(path, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  }

  fsyncDirSync(path: string): void {
    const fd = fs.openSync(path, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  readdir(path: string): string[] {
    return fs.readdirSync(path);
  }

  mkdir(path: string): void {
    fs.mkdirSync(path, { recursive: true });
  }

  rmdir(path: string): void {
    fs.rmdirSync(path);
  }

  stat(path: string): DiskStat | undefined {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    if (!s) return undefined;
    return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory(), isFile: s.isFile() };
  }
}
