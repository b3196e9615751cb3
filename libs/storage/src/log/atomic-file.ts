import * as path from 'node:path';
import { type Disk, diskErrorCode } from '../disk/disk';

export const TMP_SUFFIX = '.tmp';
let tmpCounter = 0;

/** Reads a whole file; undefined when it does not exist. */
export function readFileIfExists(disk: Disk, file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = disk.open(file, 'read');
  } catch (error) {
    if (diskErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = disk.size(fd);
    const buf = Buffer.allocUnsafe(size);
    const n = disk.read(fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } finally {
    disk.close(fd);
  }
}

/**
 * Replaces `file` atomically and durably: write `file.tmp`, fsync it, rename
 * over `file`, fsync the directory. After a crash the file holds either the
 * old or the new content, never a mix. Blocking; for small control files.
 */
export function writeFileAtomicSync(disk: Disk, file: string, data: Uint8Array): void {
  const tmp = `${file}.${++tmpCounter}${TMP_SUFFIX}`;
  const fd = disk.open(tmp, 'truncate');
  try {
    disk.write(fd, data, 0, data.length, 0);
    disk.fsyncSync(fd);
  } finally {
    disk.close(fd);
  }
  disk.rename(tmp, file);
  disk.fsyncDirSync(path.dirname(file));
}

/** As {@link writeFileAtomicSync}, with the fsyncs off the event loop. */
export async function writeFileAtomic(disk: Disk, file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.${++tmpCounter}${TMP_SUFFIX}`;
  const fd = disk.open(tmp, 'truncate');
  try {
    disk.write(fd, data, 0, data.length, 0);
    await disk.fsync(fd);
  } finally {
    disk.close(fd);
  }
  disk.rename(tmp, file);
  await disk.fsyncDir(path.dirname(file));
}

/** Unlinks a file if it exists; returns whether it did. */
export function unlinkIfExists(disk: Disk, file: string): boolean {
  try {
    disk.unlink(file);
    return true;
  } catch (error) {
    if (diskErrorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Removes a directory tree (files and sub-directories). */
export function removeTree(disk: Disk, dir: string): void {
  if (!disk.stat(dir)) return;
  for (const name of disk.readdir(dir)) {
    const child = path.join(dir, name);
    const st = disk.stat(child);
    if (st?.isDirectory) removeTree(disk, child);
    else unlinkIfExists(disk, child);
  }
  disk.rmdir(dir);
}
