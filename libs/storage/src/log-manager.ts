import * as path from 'node:path';
import { TributaryError } from '@tributary/errors';
import { type Cancellable, type Prng, type Scheduler, type TopicPartition, createPrng, topicPartitionKey } from '@tributary/util';
import { type Disk, diskErrorCode } from './disk/disk';
import { CheckpointFormatError, type PartitionOffset, formatOffsetCheckpoint, parseOffsetCheckpoint } from './core/checkpoint-format';
import { type LogConfig, resolveLogConfig } from './core/log-config';
import { DELETE_DIR_SUFFIX, parsePartitionDirName, partitionDirName } from './core/segment-files';
import { readFileIfExists, removeTree, unlinkIfExists, writeFileAtomicSync } from './log/atomic-file';
import { FileCache } from './log/file-cache';
import { IndexCache } from './log/index-cache';
import { Log, type LogHooks } from './log/log';
import { type StorageLogger, consoleStorageLogger } from './log/logger';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
/** Kafka's clean-shutdown marker, one per log dir. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export interface LogManagerOptions {
  readonly disk: Disk;
  /** log.dirs: absolute paths, created if missing. */
  readonly logDirs: readonly string[];
  readonly scheduler: Scheduler;
  readonly logger?: StorageLogger;
  /** Overrides of Kafka's defaults for every log (the broker's log.* settings). */
  readonly defaultConfig?: Partial<LogConfig>;
  /** Per-topic overrides for logs found at start-up. */
  readonly configFor?: (tp: TopicPartition) => Partial<LogConfig> | undefined;
  /** Bound on open file descriptors across all logs (default 1024). */
  readonly maxOpenFiles?: number;
  /** Bound on memory for closed segments' loaded indexes (default 256 MiB). */
  readonly indexCacheBytes?: number;
  /** How often recovery points and log start offsets are checkpointed (default 60 s, Kafka's). */
  readonly checkpointIntervalMs?: number;
  /** Seed for segment jitter and delete-dir names. */
  readonly seed?: number;
  /** Told when a log dir goes offline. */
  readonly onDirFailure?: (dir: string, error: unknown) => void;
}

interface DirState {
  readonly path: string;
  online: boolean;
  error: unknown;
  readonly logs: Map<string, Log>;
}

/** What start-up found, for tests and metrics. */
export interface LoadSummary {
  readonly dir: string;
  readonly hadCleanShutdown: boolean;
  readonly logs: number;
  readonly recoveredLogs: number;
  readonly truncatedBytes: number;
  readonly error?: string;
}

const DEFAULT_MAX_OPEN_FILES = 1024;
const DEFAULT_INDEX_CACHE_BYTES = 256 * 1024 * 1024;
const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

/**
 * The logs of a broker across its log.dirs (Kafka's LogManager): loads them at
 * start-up (clean or crash recovery), places new partitions on the online dir
 * holding the fewest, bounds open files (shared FileCache) and index memory,
 * checkpoints recovery points and log start offsets periodically and on
 * shutdown, writes the clean-shutdown marker, and takes a whole dir offline on
 * a disk error (EIO, ENOSPC, EROFS …) while the other dirs keep working.
 */
export class LogManager {
  private readonly disk: Disk;
  private readonly scheduler: Scheduler;
  private readonly logger: StorageLogger;
  private readonly files: FileCache;
  private readonly indexCache: IndexCache;
  private readonly prng: Prng;
  private readonly dirs: DirState[];
  private readonly logDirOf = new Map<string, DirState>();
  private checkpointTimer: Cancellable | undefined;
  private shutDown = false;
  readonly loadSummaries: LoadSummary[] = [];

  private constructor(private readonly options: LogManagerOptions) {
    this.disk = options.disk;
    this.scheduler = options.scheduler;
    this.logger = options.logger ?? consoleStorageLogger;
    this.files = new FileCache(options.disk, options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    this.indexCache = new IndexCache(options.indexCacheBytes ?? DEFAULT_INDEX_CACHE_BYTES);
    this.prng = createPrng(options.seed ?? 0x7a11);
    resolveLogConfig(options.defaultConfig ?? {});
    this.dirs = options.logDirs.map((p) => ({ path: path.resolve(p), online: true, error: undefined, logs: new Map() }));
  }

  /** Loads every log in every dir. A dir that fails to load is offline; the others work. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const manager = new LogManager(options);
    for (const dir of manager.dirs) manager.loadDir(dir);
    manager.armCheckpointTimer();
    return manager;
  }

  // ---------------------------------------------------------------- queries

  getLog(tp: TopicPartition): Log | undefined {
    return this.logDirOf.get(topicPartitionKey(tp))?.logs.get(topicPartitionKey(tp));
  }

  /** Every log, online or not. */
  allLogs(): Log[] {
    return this.dirs.flatMap((d) => [...d.logs.values()]);
  }

  /** The log dir holding `tp`. */
  dirOf(tp: TopicPartition): string | undefined {
    return this.logDirOf.get(topicPartitionKey(tp))?.path;
  }

  get onlineDirs(): string[] {
    return this.dirs.filter((d) => d.online).map((d) => d.path);
  }

  get offlineDirs(): string[] {
    return this.dirs.filter((d) => !d.online).map((d) => d.path);
  }

  /** Open file descriptors held by the shared cache. */
  get openFileCount(): number {
    return this.files.openCount;
  }

  // ---------------------------------------------------------------- create / delete

  /**
   * The log of `tp`, created on the online dir with the fewest partitions if
   * it does not exist (with `config` over the manager's defaults). An existing
   * log keeps its config: change it with `log.updateConfig`. Throws
   * KAFKA_STORAGE_ERROR when no dir is online (or the chosen one fails),
   * INVALID_CONFIG for bad overrides.
   */
  getOrCreateLog(tp: TopicPartition, options: { config?: Partial<LogConfig>; topicId?: string } = {}): Log {
    const existing = this.getLog(tp);
    if (existing) {
      if (options.topicId !== undefined && existing.topicId === undefined && !existing.isOffline) existing.setTopicId(options.topicId);
      return existing;
    }
    this.ensureRunning();
    const online = this.dirs.filter((d) => d.online);
    if (online.length === 0) throw new TributaryError('KAFKA_STORAGE_ERROR', 'no log dir is online');
    const dir = online.reduce((best, d) => (d.logs.size < best.logs.size ? d : best));
    const key = topicPartitionKey(tp);
    const partDir = path.join(dir.path, partitionDirName(tp));
    try {
      this.disk.mkdir(partDir);
      this.disk.fsyncDirSync(dir.path);
      const log = Log.load(this.logOptions(dir, tp, partDir, { config: { ...this.options.defaultConfig, ...options.config }, recoveryPoint: 0, hadClean: false }));
      dir.logs.set(key, log);
      this.logDirOf.set(key, dir);
      if (options.topicId !== undefined) log.setTopicId(options.topicId);
      this.logger.info(`created log ${key} in ${dir.path}`);
      return log;
    } catch (error) {
      if (diskErrorCode(error) !== undefined) {
        this.failDir(dir, error);
        throw new TributaryError('KAFKA_STORAGE_ERROR', `creating ${key} in ${dir.path} failed: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Deletes a partition's log: its directory is renamed `<name>.<id>-delete`
   * at once (so a restart does not load it) and removed after
   * file.delete.delay.ms.
   */
  deleteLog(tp: TopicPartition): boolean {
    const key = topicPartitionKey(tp);
    const dir = this.logDirOf.get(key);
    const log = dir?.logs.get(key);
    if (!dir || !log) return false;
    dir.logs.delete(key);
    this.logDirOf.delete(key);
    log.deleteAllFiles();
    if (!dir.online) return true;
    const id = Math.floor(this.prng.next() * 2 ** 32).toString(16).padStart(8, '0');
    const doomed = `${log.dir}.${id}${DELETE_DIR_SUFFIX}`;
    try {
      this.disk.rename(log.dir, doomed);
      this.disk.fsyncDirSync(dir.path);
      this.writeCheckpointsSync(dir);
      this.scheduler.schedule(log.config.fileDeleteDelayMs, () => this.removeQuietly(doomed));
    } catch (error) {
      if (diskErrorCode(error) !== undefined) this.failDir(dir, error);
      else throw error;
    }
    return true;
  }

  // ---------------------------------------------------------------- checkpoints

  /** Writes both offset checkpoints of every online dir now. */
  checkpoint(): void {
    for (const dir of this.dirs) if (dir.online) this.writeCheckpointsSync(dir);
  }

  /** Flushes every online log (fsync; recovery points advance). */
  async flushAll(): Promise<void> {
    await Promise.all(this.allLogs().filter((l) => !l.isOffline).map((l) => l.flush().catch(() => undefined)));
  }

  /**
   * Clean shutdown: closes every log (flush, indexes trimmed and fsynced),
   * writes the checkpoints (recovery point = LEO) and, in each dir whose logs
   * all closed cleanly, the clean-shutdown marker, so the next start reads no
   * segment data.
   */
  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    this.checkpointTimer?.cancel();
    this.checkpointTimer = undefined;
    for (const dir of this.dirs) {
      if (!dir.online) continue;
      const results = await Promise.allSettled([...dir.logs.values()].map((l) => l.close()));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed || !dir.online) {
        if (dir.online) this.failDir(dir, (failed as PromiseRejectedResult).reason);
        continue;
      }
      try {
        this.writeCheckpointsSync(dir);
        writeFileAtomicSync(this.disk, path.join(dir.path, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0));
      } catch (error) {
        this.failDir(dir, error);
      }
    }
    this.files.abandonAll();
    this.logger.info('log manager shut down');
  }

  /**
   * Drops every log and fd without flushing, checkpointing or writing the
   * clean-shutdown marker: the next start recovers as after a crash. For
   * tests, and for giving up after a fatal error.
   */
  abandon(): void {
    this.shutDown = true;
    this.checkpointTimer?.cancel();
    this.checkpointTimer = undefined;
    for (const log of this.allLogs()) log.abandon();
    for (const dir of this.dirs) this.files.forgetUnder(dir.path + path.sep);
  }

  // ---------------------------------------------------------------- failure

  /** Takes a log dir offline: every log in it fails with KAFKA_STORAGE_ERROR from now on. */
  failDir(dirOrPath: DirState | string, error: unknown): void {
    const dir = typeof dirOrPath === 'string' ? this.dirs.find((d) => d.path === path.resolve(dirOrPath)) : dirOrPath;
    if (!dir || !dir.online) return;
    dir.online = false;
    dir.error = error;
    this.logger.error(`log dir ${dir.path} is offline: ${error instanceof Error ? error.message : String(error)}`, { dir: dir.path, partitions: dir.logs.size });
    for (const log of dir.logs.values()) log.markOffline(error);
    this.files.forgetUnder(dir.path + path.sep);
    this.options.onDirFailure?.(dir.path, error);
  }

  // ---------------------------------------------------------------- internals

  private ensureRunning(): void {
    if (this.shutDown) throw new TributaryError('KAFKA_STORAGE_ERROR', 'the log manager is shut down');
  }

  private hooksFor(dir: DirState): LogHooks {
    return {
      onDiskError: (_log, error) => this.failDir(dir, error),
      persistRecoveryPoint: (log) => this.writeCheckpointFile(dir, RECOVERY_POINT_CHECKPOINT_FILE, (l) => l.recoveryPoint, log),
      persistLogStartOffset: (log) => this.writeCheckpointFile(dir, LOG_START_OFFSET_CHECKPOINT_FILE, (l) => l.logStartOffset, log),
    };
  }

  private logOptions(dir: DirState, tp: TopicPartition, partDir: string, o: { config: Partial<LogConfig>; recoveryPoint?: number; logStartOffset?: number; hadClean: boolean }) {
    return {
      disk: this.disk,
      dir: partDir,
      topicPartition: tp,
      config: o.config,
      scheduler: this.scheduler,
      logger: this.logger,
      files: this.files,
      indexCache: this.indexCache,
      prng: createPrng(Math.floor(this.prng.next() * 2 ** 32)),
      recoveryPoint: o.recoveryPoint,
      logStartOffset: o.logStartOffset,
      hadCleanShutdown: o.hadClean,
      hooks: this.hooksFor(dir),
    };
  }

  private loadDir(dir: DirState): void {
    let hadClean = false;
    let recovered = 0;
    let truncatedBytes = 0;
    try {
      if (!this.disk.stat(dir.path)) {
        this.disk.mkdir(dir.path);
        this.disk.fsyncDirSync(path.dirname(dir.path));
      }
      const marker = path.join(dir.path, CLEAN_SHUTDOWN_FILE);
      hadClean = this.disk.stat(marker) !== undefined;
      const recoveryPoints = this.readCheckpoint(dir, RECOVERY_POINT_CHECKPOINT_FILE);
      const logStarts = this.readCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT_FILE);
      if (hadClean && !recoveryPoints) this.logger.warn(`${dir.path}: clean-shutdown marker present but no usable recovery points; recovering every log`);
      for (const name of this.disk.readdir(dir.path)) {
        const full = path.join(dir.path, name);
        if (name.endsWith(DELETE_DIR_SUFFIX)) {
          this.removeQuietly(full);
          continue;
        }
        if (name.endsWith('.tmp')) {
          unlinkIfExists(this.disk, full);
          continue;
        }
        const tp = parsePartitionDirName(name);
        if (!tp || !this.disk.stat(full)?.isDirectory) continue;
        const key = topicPartitionKey(tp);
        if (this.logDirOf.has(key)) {
          this.logger.error(`${key} exists in both ${this.logDirOf.get(key)?.path} and ${dir.path}; ignoring the copy in ${dir.path}`);
          continue;
        }
        const log = Log.load(
          this.logOptions(dir, tp, full, {
            config: { ...this.options.defaultConfig, ...this.options.configFor?.(tp) },
            recoveryPoint: recoveryPoints?.get(key),
            logStartOffset: logStarts?.get(key),
            hadClean: hadClean && recoveryPoints !== undefined,
          }),
        );
        if (!log.loadReport.clean) recovered++;
        truncatedBytes += log.loadReport.truncatedBytes;
        dir.logs.set(key, log);
        this.logDirOf.set(key, dir);
      }
      this.writeCheckpointsSync(dir);
      if (hadClean) {
        this.disk.unlink(marker);
        this.disk.fsyncDirSync(dir.path);
      }
      this.loadSummaries.push({ dir: dir.path, hadCleanShutdown: hadClean, logs: dir.logs.size, recoveredLogs: recovered, truncatedBytes });
      this.logger.info(`loaded ${dir.logs.size} logs from ${dir.path} (${hadClean ? 'clean shutdown' : `recovered ${recovered}`})`);
    } catch (error) {
      if (diskErrorCode(error) === undefined) throw error;
      this.loadSummaries.push({ dir: dir.path, hadCleanShutdown: hadClean, logs: dir.logs.size, recoveredLogs: recovered, truncatedBytes, error: String(error) });
      this.failDir(dir, error);
    }
  }

  private readCheckpoint(dir: DirState, file: string): Map<string, number> | undefined {
    const bytes = readFileIfExists(this.disk, path.join(dir.path, file));
    if (bytes === undefined) return undefined;
    try {
      const map = new Map<string, number>();
      for (const e of parseOffsetCheckpoint(bytes.toString('utf8'), file)) map.set(topicPartitionKey(e), e.offset);
      return map;
    } catch (error) {
      if (!(error instanceof CheckpointFormatError)) throw error;
      this.logger.warn(`${dir.path}: ignoring garbled ${file}: ${error.message}`);
      return undefined;
    }
  }

  private writeCheckpointsSync(dir: DirState): void {
    this.writeCheckpointFile(dir, RECOVERY_POINT_CHECKPOINT_FILE, (l) => l.recoveryPoint);
    this.writeCheckpointFile(dir, LOG_START_OFFSET_CHECKPOINT_FILE, (l) => l.logStartOffset);
  }

  /** Writes one offset checkpoint of `dir` (plus `extra`, a log still loading). Synchronous, so writes never reorder. */
  private writeCheckpointFile(dir: DirState, file: string, value: (log: Log) => number, extra?: Log): void {
    if (!dir.online) return;
    const entries: PartitionOffset[] = [];
    const seen = new Set<string>();
    for (const log of [...dir.logs.values(), ...(extra ? [extra] : [])]) {
      if (seen.has(log.name) || log.isOffline) continue;
      seen.add(log.name);
      entries.push({ ...log.topicPartition, offset: value(log) });
    }
    try {
      writeFileAtomicSync(this.disk, path.join(dir.path, file), Buffer.from(formatOffsetCheckpoint(entries)));
    } catch (error) {
      if (diskErrorCode(error) === undefined) throw error;
      this.failDir(dir, error);
    }
  }

  private armCheckpointTimer(): void {
    const interval = this.options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.checkpointTimer = this.scheduler.schedule(interval, () => {
      if (this.shutDown) return;
      this.checkpoint();
      this.armCheckpointTimer();
    });
  }

  private removeQuietly(full: string): void {
    try {
      removeTree(this.disk, full);
    } catch (error) {
      this.logger.warn(`could not remove ${full}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
