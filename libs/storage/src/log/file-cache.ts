import type { Disk, Fd, OpenMode } from '../disk/disk';

interface Entry {
  fd: Fd;
  pins: number;
  closeWhenUnpinned: boolean;
}

/**
 * Bounds the open file descriptors of every log sharing it: files are opened
 * on demand and the least recently used unpinned ones are closed beyond
 * `maxOpenFiles`, so 10,000 partitions do not exhaust descriptors. A pinned
 * fd (an fsync in flight) is never closed; the cache may then exceed its bound
 * until it is released. Keyed by path: a rename must be reported with
 * {@link rename} (the fd stays valid), a deletion with {@link forget}.
 */
export class FileCache {
  private readonly entries = new Map<string, Entry>();
  /** Count of opens, for tests and metrics. */
  opens = 0;
  private fsyncsRunning = 0;
  private readonly fsyncQueue: (() => void)[] = [];
  /** Fsyncs in flight at once (each pins an fd): a quarter of the fd bound, at most 64. */
  readonly maxConcurrentFsyncs: number;

  constructor(
    private readonly disk: Disk,
    readonly maxOpenFiles: number,
  ) {
    this.maxConcurrentFsyncs = Math.max(1, Math.min(64, Math.floor(maxOpenFiles / 4)));
  }

  /**
   * fsyncs the file at `path`, holding its fd pinned meanwhile. At most
   * `maxConcurrentFsyncs` run at once (the rest queue), so flushing 10,000
   * partitions never pins 10,000 descriptors.
   */
  async fsync(path: string, mode: OpenMode = 'readWrite'): Promise<void> {
    if (this.fsyncsRunning >= this.maxConcurrentFsyncs) {
      await new Promise<void>((resolve) => this.fsyncQueue.push(resolve));
    } else {
      this.fsyncsRunning++;
    }
    try {
      const fd = this.pin(path, mode);
      try {
        await this.disk.fsync(fd);
      } finally {
        this.unpin(path);
      }
    } finally {
      const next = this.fsyncQueue.shift();
      if (next) next();
      else this.fsyncsRunning--;
    }
  }

  get openCount(): number {
    return this.entries.size;
  }

  /** Runs `fn` with an fd for `path` (opened read-write, created when `mode` says so). */
  with<T>(path: string, fn: (fd: Fd) => T, mode: OpenMode = 'readWrite'): T {
    const fd = this.pin(path, mode);
    try {
      return fn(fd);
    } finally {
      this.unpin(path);
    }
  }

  /** Opens (or reuses) an fd and pins it until {@link unpin}. */
  pin(path: string, mode: OpenMode = 'readWrite'): Fd {
    let entry = this.entries.get(path);
    if (entry) {
      // Move to the most-recently-used end.
      this.entries.delete(path);
      this.entries.set(path, entry);
    } else {
      const fd = this.disk.open(path, mode === 'truncate' || mode === 'createNew' ? mode : mode === 'read' ? 'readWrite' : mode);
      this.opens++;
      entry = { fd, pins: 1, closeWhenUnpinned: false };
      this.entries.set(path, entry);
      this.evict();
      return fd;
    }
    entry.pins++;
    return entry.fd;
  }

  unpin(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    entry.pins--;
    if (entry.pins <= 0 && entry.closeWhenUnpinned) this.closeEntry(path, entry);
    else if (this.entries.size > this.maxOpenFiles) this.evict();
  }

  /** The file was renamed: keep its fd under the new path. */
  rename(from: string, to: string): void {
    const entry = this.entries.get(from);
    if (!entry) return;
    this.entries.delete(from);
    const existing = this.entries.get(to);
    if (existing) this.closeEntry(to, existing);
    this.entries.set(to, entry);
  }

  /** Closes the fd for `path` now, or when its last pin is released. */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    if (entry.pins > 0) entry.closeWhenUnpinned = true;
    else this.closeEntry(path, entry);
  }

  /** Closes every fd under `dirPrefix` (pinned ones when released). */
  forgetUnder(dirPrefix: string): void {
    for (const path of [...this.entries.keys()]) if (path.startsWith(dirPrefix)) this.forget(path);
  }

  /** Drops every entry without closing (after a simulated crash the fds are already gone). */
  abandonAll(): void {
    this.entries.clear();
  }

  private evict(): void {
    if (this.entries.size <= this.maxOpenFiles) return;
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.maxOpenFiles) break;
      if (entry.pins === 0) this.closeEntry(path, entry);
    }
  }

  private closeEntry(path: string, entry: Entry): void {
    this.entries.delete(path);
    try {
      this.disk.close(entry.fd);
    } catch {
      // A close that fails (EBADF after a crash, EIO) leaves nothing to do: the fd is gone either way.
    }
  }
}
