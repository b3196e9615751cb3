import * as path from 'node:path';
import { type Clock, type Prng, createPrng } from '@tributary/util';
import { type Disk, type DiskStat, type Fd, type OpenMode, makeDiskError } from './disk';

/** Operations a fault rule can target. */
export type SimulatedDiskOp =
  | 'open'
  | 'read'
  | 'write'
  | 'size'
  | 'truncate'
  | 'fsync'
  | 'fsyncDir'
  | 'rename'
  | 'unlink'
  | 'readdir'
  | 'mkdir'
  | 'rmdir'
  | 'stat';

/** Fails matching operations with `code` (e.g. EIO, ENOSPC, EROFS), `count` times (default: until removed). */
export interface FaultRule {
  readonly ops?: readonly SimulatedDiskOp[];
  /** A path prefix, or a pattern tested against the path. */
  readonly path?: string | RegExp;
  readonly code: string;
  /** Matching operations to let through before failing (default 0). */
  skip?: number;
  count?: number;
}

export interface SimulatedDiskOptions {
  /** Seed for the tearing on crash(); printed by tests on failure. */
  readonly seed?: number;
  /** Supplies file modification times (default: always 0). */
  readonly clock?: Pick<Clock, 'nowMs'>;
  /** Total bytes the files may hold; a write past it fails with ENOSPC. */
  readonly capacityBytes?: number;
}

export interface CrashOptions {
  /**
   * 'tear' (default): for each file, a random prefix of its unsynced writes
   * survives, the last of them cut at a random byte; for each directory a random
   * prefix of its unsynced entry changes survives. 'drop': every unsynced write
   * and entry change is lost. 'last': every unsynced write is lost except the
   * file's last write, which survives cut at a random byte — possibly past a
   * hole of zeros where the lost earlier writes were (the disk reordered them);
   * unsynced entry changes are lost.
   */
  readonly mode?: 'tear' | 'drop' | 'last';
}

type FileOp = { readonly kind: 'write'; readonly position: number; readonly bytes: Buffer } | { readonly kind: 'truncate'; readonly length: number };

/**
 * File content with a logical length that may exceed the allocated buffer:
 * bytes past the buffer read as zeros, so a file extended by ftruncate (index
 * preallocation) costs no memory.
 */
class SparseBytes {
  constructor(
    private buf: Buffer = Buffer.alloc(0),
    public length = 0,
  ) {}

  /** Bytes actually allocated (for capacity accounting). */
  get allocated(): number {
    return Math.min(this.length, this.buf.length);
  }

  clone(): SparseBytes {
    return new SparseBytes(Buffer.from(this.buf.subarray(0, this.allocated)), this.length);
  }

  read(out: Uint8Array, outOffset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.length - position));
    if (n === 0) return 0;
    const fromBuf = Math.max(0, Math.min(n, this.buf.length - position));
    if (fromBuf > 0) this.buf.copy(out, outOffset, position, position + fromBuf);
    if (fromBuf < n) out.fill(0, outOffset + fromBuf, outOffset + n);
    return n;
  }

  write(position: number, bytes: Uint8Array): void {
    const end = position + bytes.length;
    if (end > this.buf.length) {
      const grown = Buffer.alloc(Math.max(end, Math.min(this.buf.length * 2, end + (1 << 24)), 4096));
      this.buf.copy(grown, 0, 0, this.allocated);
      this.buf = grown;
    }
    // Bytes between the old length and the write are zeros (the buffer may hold stale bytes there).
    if (position > this.length) this.buf.fill(0, Math.min(this.length, this.buf.length), position);
    this.buf.set(bytes, position);
    this.length = Math.max(this.length, end);
  }

  truncate(length: number): void {
    if (length > this.length && this.length < this.buf.length) this.buf.fill(0, this.length, Math.min(length, this.buf.length));
    this.length = length;
  }
}
type DirOp =
  | { readonly kind: 'link'; readonly name: string; readonly node: Node }
  | { readonly kind: 'unlink'; readonly name: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string };

interface FileNode {
  readonly kind: 'file';
  data: SparseBytes;
  durable: SparseBytes;
  pending: FileOp[];
  mtimeMs: number;
}

interface DirNode {
  readonly kind: 'dir';
  entries: Map<string, Node>;
  durable: Map<string, Node>;
  pending: DirOp[];
  mtimeMs: number;
}

type Node = FileNode | DirNode;

interface OpenFile {
  readonly node: FileNode;
  readonly readOnly: boolean;
  readonly path: string;
}

function newFile(nowMs: number): FileNode {
  return { kind: 'file', data: new SparseBytes(), durable: new SparseBytes(), pending: [], mtimeMs: nowMs };
}

function newDir(nowMs: number): DirNode {
  return { kind: 'dir', entries: new Map(), durable: new Map(), pending: [], mtimeMs: nowMs };
}

function applyFileOp(content: SparseBytes, op: FileOp, keepBytes?: number): void {
  if (op.kind === 'truncate') content.truncate(op.length);
  else content.write(op.position, keepBytes === undefined ? op.bytes : op.bytes.subarray(0, keepBytes));
}

function applyDirOp(entries: Map<string, Node>, op: DirOp): void {
  if (op.kind === 'link') entries.set(op.name, op.node);
  else if (op.kind === 'unlink') entries.delete(op.name);
  else {
    const node = entries.get(op.from);
    if (node) {
      entries.delete(op.from);
      entries.set(op.to, node);
    }
  }
}

/**
 * An in-memory {@link Disk} for tests and simulations. It tracks, per file, the
 * durable content (as of the last fsync) and the writes since, and per
 * directory the durable entries (as of the last fsyncDir) and the changes since.
 * `crash()` keeps only what a power cut would: durable state plus, in 'tear'
 * mode, a seeded random prefix of the unsynced writes with the last one torn.
 * Every fd opened before a crash is invalid after it (EBADF).
 *
 * Faults: {@link injectFault} fails chosen operations with EIO/ENOSPC/EROFS;
 * `capacityBytes` makes writes past a total size fail with ENOSPC.
 */
export class SimulatedDisk implements Disk {
  private root: DirNode;
  private readonly fds = new Map<Fd, OpenFile>();
  private nextFd = 3;
  private readonly prng: Prng;
  private readonly clock: Pick<Clock, 'nowMs'>;
  private faults: FaultRule[] = [];
  private capacityBytes: number | undefined;
  /** Counters for tests and benchmarks. */
  readonly stats = { writes: 0, bytesWritten: 0, reads: 0, fsyncs: 0, fsyncDirs: 0, opens: 0, crashes: 0 };

  constructor(options: SimulatedDiskOptions = {}) {
    this.prng = createPrng(options.seed ?? 1);
    this.clock = options.clock ?? { nowMs: () => 0 };
    this.capacityBytes = options.capacityBytes;
    this.root = newDir(this.clock.nowMs());
  }

  get seed(): number {
    return this.prng.seed;
  }

  /** Number of file descriptors currently open. */
  get openFdCount(): number {
    return this.fds.size;
  }

  /** Adds a fault rule; returns a function that removes it. */
  injectFault(rule: FaultRule): () => void {
    const copy: FaultRule = { ...rule };
    this.faults.push(copy);
    return () => {
      this.faults = this.faults.filter((f) => f !== copy);
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  setCapacityBytes(capacityBytes: number | undefined): void {
    this.capacityBytes = capacityBytes;
  }

  /** Total bytes held by live files (reachable or still open). */
  usedBytes(): number {
    let total = 0;
    const walk = (dir: DirNode): void => {
      for (const node of dir.entries.values()) {
        if (node.kind === 'dir') walk(node);
        else total += node.data.allocated;
      }
    };
    walk(this.root);
    return total;
  }

  /**
   * Simulates a power cut: volatile state is lost as described in
   * {@link CrashOptions}; all open fds become invalid.
   */
  crash(options: CrashOptions = {}): void {
    const mode = options.mode ?? 'tear';
    const tear = mode === 'tear';
    this.stats.crashes++;
    this.fds.clear();
    const seen = new Set<Node>();
    const recover = (dir: DirNode): void => {
      const entries = new Map(dir.durable);
      if (tear && dir.pending.length > 0) {
        const keep = this.prng.intBetween(0, dir.pending.length);
        for (let i = 0; i < keep; i++) applyDirOp(entries, dir.pending[i]);
      }
      dir.entries = entries;
      dir.durable = new Map(entries);
      dir.pending = [];
      for (const node of entries.values()) {
        if (seen.has(node)) continue;
        seen.add(node);
        if (node.kind === 'dir') recover(node);
        else this.recoverFile(node, mode);
      }
    };
    recover(this.root);
  }

  private recoverFile(file: FileNode, mode: 'tear' | 'drop' | 'last'): void {
    const content = file.durable.clone();
    if (mode === 'last') {
      const last = [...file.pending].reverse().find((op) => op.kind === 'write');
      if (last && last.kind === 'write') applyFileOp(content, last, this.prng.intBetween(0, last.bytes.length));
    }
    if (mode === 'tear' && file.pending.length > 0) {
      const survivors = this.prng.intBetween(0, file.pending.length);
      for (let i = 0; i < survivors; i++) applyFileOp(content, file.pending[i]);
      if (survivors < file.pending.length) {
        const torn = file.pending[survivors];
        if (torn.kind === 'write') applyFileOp(content, torn, this.prng.intBetween(0, torn.bytes.length));
      }
    }
    file.data = content;
    file.durable = content.clone();
    file.pending = [];
  }

  // ---- Disk ----

  open(p: string, mode: OpenMode): Fd {
    const abs = this.check('open', p);
    const { dir, name } = this.parentOf(abs, 'open');
    let node = dir.entries.get(name);
    if (node && mode === 'createNew') throw makeDiskError('EEXIST', 'open', abs);
    if (!node) {
      if (mode === 'read' || mode === 'readWrite') throw makeDiskError('ENOENT', 'open', abs);
      node = newFile(this.clock.nowMs());
      dir.entries.set(name, node);
      dir.pending.push({ kind: 'link', name, node });
    }
    if (node.kind === 'dir') {
      if (mode !== 'read') throw makeDiskError('EISDIR', 'open', abs);
      throw makeDiskError('EISDIR', 'open', abs);
    }
    if (mode === 'truncate' && node.data.length > 0) this.doTruncate(node, 0);
    const fd = this.nextFd++;
    this.fds.set(fd, { node, readOnly: mode === 'read', path: abs });
    this.stats.opens++;
    return fd;
  }

  close(fd: Fd): void {
    if (!this.fds.delete(fd)) throw makeDiskError('EBADF', 'close');
  }

  read(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): number {
    const file = this.file(fd, 'read');
    this.stats.reads++;
    return file.node.data.read(buf, bufOffset, length, position);
  }

  write(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): void {
    const file = this.file(fd, 'write');
    if (file.readOnly) throw makeDiskError('EBADF', 'write', file.path);
    const node = file.node;
    const end = position + length;
    if (this.capacityBytes !== undefined && end > node.data.allocated && this.usedBytes() + (end - node.data.allocated) > this.capacityBytes) {
      throw makeDiskError('ENOSPC', 'write', file.path);
    }
    const bytes = Buffer.from(buf.subarray(bufOffset, bufOffset + length));
    node.data.write(position, bytes);
    node.pending.push({ kind: 'write', position, bytes });
    node.mtimeMs = this.clock.nowMs();
    this.stats.writes++;
    this.stats.bytesWritten += length;
  }

  size(fd: Fd): number {
    return this.file(fd, 'size').node.data.length;
  }

  truncate(fd: Fd, length: number): void {
    const file = this.file(fd, 'truncate');
    if (file.readOnly) throw makeDiskError('EBADF', 'ftruncate', file.path);
    this.doTruncate(file.node, length);
  }

  fsync(fd: Fd): Promise<void> {
    try {
      this.fsyncSync(fd);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  fsyncSync(fd: Fd): void {
    const node = this.file(fd, 'fsync').node;
    this.stats.fsyncs++;
    node.durable = node.data.clone();
    node.pending = [];
  }

  fsyncDir(p: string): Promise<void> {
    try {
      this.fsyncDirSync(p);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  fsyncDirSync(p: string): void {
    const abs = this.check('fsyncDir', p);
    const dir = this.lookup(abs);
    if (!dir) throw makeDiskError('ENOENT', 'fsync', abs);
    if (dir.kind !== 'dir') throw makeDiskError('ENOTDIR', 'fsync', abs);
    this.stats.fsyncDirs++;
    dir.durable = new Map(dir.entries);
    dir.pending = [];
  }

  rename(from: string, to: string): void {
    const absFrom = this.check('rename', from);
    const absTo = this.check('rename', to);
    const a = this.parentOf(absFrom, 'rename');
    const b = this.parentOf(absTo, 'rename');
    if (a.dir !== b.dir) throw makeDiskError('EXDEV', 'rename', absFrom);
    const node = a.dir.entries.get(a.name);
    if (!node) throw makeDiskError('ENOENT', 'rename', absFrom);
    if (a.name === b.name) return;
    a.dir.entries.delete(a.name);
    a.dir.entries.set(b.name, node);
    a.dir.pending.push({ kind: 'rename', from: a.name, to: b.name });
  }

  unlink(p: string): void {
    const abs = this.check('unlink', p);
    const { dir, name } = this.parentOf(abs, 'unlink');
    const node = dir.entries.get(name);
    if (!node) throw makeDiskError('ENOENT', 'unlink', abs);
    if (node.kind === 'dir') throw makeDiskError('EISDIR', 'unlink', abs);
    dir.entries.delete(name);
    dir.pending.push({ kind: 'unlink', name });
  }

  readdir(p: string): string[] {
    const abs = this.check('readdir', p);
    const node = this.lookup(abs);
    if (!node) throw makeDiskError('ENOENT', 'scandir', abs);
    if (node.kind !== 'dir') throw makeDiskError('ENOTDIR', 'scandir', abs);
    return [...node.entries.keys()].sort();
  }

  mkdir(p: string): void {
    const abs = this.check('mkdir', p);
    let dir = this.root;
    for (const part of abs.split('/').filter(Boolean)) {
      let next = dir.entries.get(part);
      if (!next) {
        next = newDir(this.clock.nowMs());
        dir.entries.set(part, next);
        dir.pending.push({ kind: 'link', name: part, node: next });
      }
      if (next.kind !== 'dir') throw makeDiskError('ENOTDIR', 'mkdir', abs);
      dir = next;
    }
  }

  rmdir(p: string): void {
    const abs = this.check('rmdir', p);
    const { dir, name } = this.parentOf(abs, 'rmdir');
    const node = dir.entries.get(name);
    if (!node) throw makeDiskError('ENOENT', 'rmdir', abs);
    if (node.kind !== 'dir') throw makeDiskError('ENOTDIR', 'rmdir', abs);
    if (node.entries.size > 0) throw makeDiskError('ENOTEMPTY', 'rmdir', abs);
    dir.entries.delete(name);
    dir.pending.push({ kind: 'unlink', name });
  }

  stat(p: string): DiskStat | undefined {
    const abs = this.check('stat', p);
    const node = this.lookup(abs);
    if (!node) return undefined;
    return {
      size: node.kind === 'file' ? node.data.length : 4096,
      mtimeMs: node.mtimeMs,
      isDirectory: node.kind === 'dir',
      isFile: node.kind === 'file',
    };
  }

  // ---- helpers ----

  /** Normalizes the path and applies fault rules. */
  private check(op: SimulatedDiskOp, p: string): string {
    const abs = path.posix.resolve('/', p);
    this.maybeFail(op, abs);
    return abs;
  }

  private maybeFail(op: SimulatedDiskOp, abs: string): void {
    for (const rule of this.faults) {
      if (rule.ops && !rule.ops.includes(op)) continue;
      if (rule.path !== undefined && !(typeof rule.path === 'string' ? abs.startsWith(rule.path) : rule.path.test(abs))) continue;
      if (rule.skip !== undefined && rule.skip > 0) {
        rule.skip--;
        continue;
      }
      if (rule.count !== undefined) {
        if (rule.count <= 0) continue;
        rule.count--;
      }
      throw makeDiskError(rule.code, op, abs);
    }
  }

  private file(fd: Fd, op: SimulatedDiskOp): OpenFile {
    const file = this.fds.get(fd);
    if (!file) throw makeDiskError('EBADF', op);
    this.maybeFail(op, file.path);
    return file;
  }

  private lookup(abs: string): Node | undefined {
    let node: Node = this.root;
    for (const part of abs.split('/').filter(Boolean)) {
      if (node.kind !== 'dir') return undefined;
      const next: Node | undefined = node.entries.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private parentOf(abs: string, op: string): { dir: DirNode; name: string } {
    const parent = this.lookup(path.posix.dirname(abs));
    if (!parent) throw makeDiskError('ENOENT', op, abs);
    if (parent.kind !== 'dir') throw makeDiskError('ENOTDIR', op, abs);
    return { dir: parent, name: path.posix.basename(abs) };
  }

  private doTruncate(node: FileNode, length: number): void {
    node.data.truncate(length);
    node.pending.push({ kind: 'truncate', length });
    node.mtimeMs = this.clock.nowMs();
  }
}
