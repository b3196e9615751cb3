/**
 * The `Disk` port: every file operation the log layer performs. Two
 * implementations: {@link NodeDisk} on `node:fs` and {@link SimulatedDisk}, an
 * in-memory disk that loses unsynced writes on `crash()` and injects faults.
 *
 * Design: data operations are synchronous (`read`, `write`, `truncate`,
 * renames) and only the durability barriers have an async form (`fsync`,
 * `fsyncDir`). Writes land in the page cache in microseconds, so a synchronous
 * `pwrite` avoids a libuv thread-pool hop and a promise per append (the append
 * path runs at raw `fs.writeSync` speed) and makes every log operation atomic
 * with respect to the event loop: a read can never observe half an append, a
 * truncation or a segment swap. The slow part, `fdatasync`, runs on the thread
 * pool so the event loop keeps accepting appends while it waits — that is what
 * makes group commit work: one fsync covers everything written before it.
 *
 * Errors: operations throw `Error`s carrying a Node-style `code` (`ENOENT`,
 * `EIO`, `ENOSPC`, `EROFS`, `EBADF` …); see {@link diskErrorCode}.
 */
export type Fd = number;

/**
 * How to open a file:
 * - `read`: read-only, must exist;
 * - `readWrite`: read-write, must exist;
 * - `create`: read-write, created empty if missing, never truncated;
 * - `createNew`: read-write, must not exist (EEXIST);
 * - `truncate`: read-write, created if missing, truncated to 0.
 */
export type OpenMode = 'read' | 'readWrite' | 'create' | 'createNew' | 'truncate';

export interface DiskStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
  readonly isFile: boolean;
}

export interface Disk {
  open(path: string, mode: OpenMode): Fd;
  close(fd: Fd): void;
  /** Positional read (pread); returns the bytes read, fewer only at end of file. */
  read(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): number;
  /** Positional write (pwrite) of exactly `length` bytes (loops on short writes). */
  write(fd: Fd, buf: Uint8Array, bufOffset: number, length: number, position: number): void;
  /** Current size of an open file in bytes (fstat). */
  size(fd: Fd): number;
  /** Sets the size of an open file (ftruncate): shrinks, or extends with zeros. */
  truncate(fd: Fd, length: number): void;
  /** Makes the file's data durable (fdatasync), off the event loop. */
  fsync(fd: Fd): Promise<void>;
  /** As `fsync`, blocking; for rare control-path writes (checkpoints, truncation). */
  fsyncSync(fd: Fd): void;
  /** Makes the directory's entries (creations, renames, unlinks) durable. */
  fsyncDir(path: string): Promise<void>;
  fsyncDirSync(path: string): void;
  /** Atomic rename within one directory. Replaces `to` if it exists. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Entry names (not paths) of a directory. */
  readdir(path: string): string[];
  /** Creates a directory and any missing parents; no error if it exists. */
  mkdir(path: string): void;
  /** Removes an empty directory. */
  rmdir(path: string): void;
  /** undefined when the path does not exist. */
  stat(path: string): DiskStat | undefined;
}

/** The Node-style `code` of a disk error (`EIO`, `ENOSPC` …), or undefined for anything else. */
export function diskErrorCode(error: unknown): string | undefined {
  // Not `instanceof Error`: errors from node:fs come from another realm under test runners (vm contexts).
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  }
  return undefined;
}

/** Builds an error shaped like Node's fs errors. */
export function makeDiskError(code: string, syscall: string, path?: string): Error & { code: string; syscall: string; path?: string } {
  const error = new Error(`${code}: ${syscall}${path === undefined ? '' : ` '${path}'`}`) as Error & { code: string; syscall: string; path?: string };
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}
