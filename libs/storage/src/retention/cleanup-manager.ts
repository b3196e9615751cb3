import {
  type CleanupPolicy,
  type CompactAction,
  type DeleteSegmentsAction,
  normalizeCleanupPolicyName,
  type PartitionLogView,
  validateCleanupPlan,
} from '@tributary/plugins-api';
import { readBatchHeader } from '@tributary/records';
import type { Cancellable, Scheduler } from '@tributary/util';
import type { CleanableLog } from '../cleaner/cleanable-log';
import type { CleanerCheckpointStore } from '../cleaner/cleaner-checkpoint-store';
import { DEFAULT_LOG_CONFIG } from '../core/log-config';
import { type CompactionStats, Compactor } from '../cleaner/compactor';
import { DEFAULT_OFFSET_MAP_LOAD_FACTOR, OffsetMap } from '../cleaner/offset-map';
import { Throttler } from '../cleaner/throttler';
import { consoleStorageLogger, type StorageLogger } from '../log/logger';
import { builtinCleanupPolicies } from './builtin-policies';
import { computeCleanState } from './partition-log-view';

/** A log the manager cleans: the cleaner's port plus where it lives and its current topic config. */
export interface ManagedLog extends CleanableLog {
  /** The `log.dirs` entry holding this partition (its cleaner-offset-checkpoint lives there). */
  readonly logDir: string;
  /** The effective topic config by Kafka names, read at every pass so runtime changes apply on the next one. */
  topicConfig(): PartitionLogView['config'];
  /**
   * The last stable offset (≤ high watermark): compaction stops before it,
   * whatever the plan says, as Kafka's cleaner does. Omitted: no bound.
   */
  lastStableOffset?(): number;
}

/** Broker-level cleaner settings (Kafka's names in the docs), read at every pass. */
export interface CleanerSettings {
  /** log.retention.check.interval.ms: time between passes. */
  readonly retentionCheckIntervalMs: number;
  /** log.cleaner.enable: when false, compact actions are skipped (deletions still run). */
  readonly cleanerEnable: boolean;
  /** log.cleaner.dedupe.buffer.size: memory of the offset map, bytes. */
  readonly dedupeBufferSize: number;
  /** log.cleaner.io.buffer.load.factor: the map counts as full at this fraction of its slots. */
  readonly dedupeBufferLoadFactor: number;
  /** log.cleaner.io.max.bytes.per.second: read + write I/O bound of compaction. */
  readonly ioMaxBytesPerSecond: number;
}

/** Kafka's defaults (Kafka's "unlimited" I/O rate is Double.MAX_VALUE; ours is Infinity). */
export const DEFAULT_CLEANER_SETTINGS: CleanerSettings = Object.freeze({
  retentionCheckIntervalMs: 5 * 60 * 1000,
  cleanerEnable: true,
  dedupeBufferSize: 128 * 1024 * 1024,
  dedupeBufferLoadFactor: DEFAULT_OFFSET_MAP_LOAD_FACTOR,
  ioMaxBytesPerSecond: Number.POSITIVE_INFINITY,
});

/** What one pass did to one partition. */
export interface PartitionCleanupReport {
  readonly topic: string;
  readonly partition: number;
  readonly policy: string;
  readonly segmentsDeleted: number;
  readonly bytesDeleted: number;
  /** Present when the pass compacted the partition. */
  readonly compaction?: CompactionStats;
  /** Present when the partition failed; the pass went on with the others. */
  readonly error?: unknown;
}

export interface CleanupPassReport {
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly partitions: readonly PartitionCleanupReport[];
}

export interface CleanupManagerOptions {
  readonly scheduler: Scheduler;
  /** The logs to clean, listed afresh at every pass. */
  readonly logs: () => Iterable<ManagedLog>;
  readonly checkpoints: CleanerCheckpointStore;
  /**
   * Finds the policy for a normalized `cleanup.policy` name (see
   * normalizeCleanupPolicyName), built-in or plugin; undefined when unknown.
   * Default: the built-in `delete`, `compact` and `compact,delete`.
   */
  readonly policyFor?: (name: string) => CleanupPolicy | undefined;
  readonly settings?: () => CleanerSettings;
  readonly logger?: StorageLogger;
  /** Called after each pass (metrics, tests). */
  readonly onPass?: (report: CleanupPassReport) => void;
}

/**
 * Runs retention and compaction in the background (Kafka's log-retention task
 * and log cleaner in one loop): every log.retention.check.interval.ms, for each
 * log, builds its PartitionLogView, asks the policy its `cleanup.policy` names
 * for a plan, checks the plan (validateCleanupPlan: deletions are a prefix of
 * closed segments, nothing touches the active segment) and executes it —
 * deletions through the log, compactions through the Compactor, then the
 * cleaner checkpoint. Topic configs and cleaner settings are read afresh at
 * every pass, so runtime changes apply on the next one.
 *
 * Logs are handled one at a time, so one offset map serves them all and a
 * log is never cleaned by two passes at once. A failure in one partition (an
 * unknown policy, a plan that throws or is invalid — refused whole, a corrupt
 * batch, an I/O error) is logged with the partition and the pass goes on; the
 * partition is tried again next pass.
 */
export class CleanupManager {
  private timer: Cancellable | undefined;
  /** The pass in progress, for runPass to join and stop to wait for. */
  private running: Promise<CleanupPassReport> | undefined;
  private passActive = false;
  private started = false;
  /** Set while `stop` waits: the pass in progress ends after its current partition. */
  private stopping = false;
  private map: OffsetMap | undefined;
  private readonly throttler: Throttler;
  private readonly policyFor: (name: string) => CleanupPolicy | undefined;
  private readonly logger: StorageLogger;

  constructor(private readonly options: CleanupManagerOptions) {
    this.throttler = new Throttler(options.scheduler, this.settings().ioMaxBytesPerSecond);
    this.logger = options.logger ?? consoleStorageLogger;
    this.policyFor = options.policyFor ?? builtinCleanupPolicies(options.scheduler, this.logger);
  }

  /** Schedules a pass every log.retention.check.interval.ms, the first one interval from now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.scheduleNext();
  }

  /** Stops scheduling; resolves when a pass in progress has finished the partition it is on. */
  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.stopping = true;
    try {
      await this.running;
    } finally {
      this.stopping = false;
    }
  }

  /** Runs one pass now (or joins the one in progress). */
  runPass(): Promise<CleanupPassReport> {
    if (this.running) return this.running;
    const pass = this.pass();
    // A pass with nothing to await is already over here; otherwise it clears `running` itself when it ends.
    if (this.passActive) this.running = pass;
    return pass;
  }

  /** Schedules the next pass unless stopped or one is already scheduled (a manual runPass leaves the schedule as it is). */
  private scheduleNext(): void {
    if (!this.started || this.timer) return;
    this.timer = this.options.scheduler.schedule(this.settings().retentionCheckIntervalMs, () => {
      this.timer = undefined;
      this.runPass().catch((error: unknown) => this.logger.error('cleanup pass failed', { error: String(error) }));
    });
  }

  private settings(): CleanerSettings {
    return this.options.settings?.() ?? DEFAULT_CLEANER_SETTINGS;
  }

  private async pass(): Promise<CleanupPassReport> {
    const { scheduler } = this.options;
    const startedAtMs = scheduler.nowMs();
    const startMonoMs = scheduler.monotonicMs();
    const partitions: PartitionCleanupReport[] = [];
    this.passActive = true;
    try {
      for (const log of this.options.logs()) {
        if (this.stopping) break;
        partitions.push(await this.cleanLog(log));
      }
    } finally {
      // Before onPass: whoever hears of this pass finds it over and the next one scheduled (interval read now).
      this.passActive = false;
      this.running = undefined;
      this.scheduleNext();
    }
    const report = { startedAtMs, durationMs: scheduler.monotonicMs() - startMonoMs, partitions };
    this.options.onPass?.(report);
    return report;
  }

  private async cleanLog(log: ManagedLog): Promise<PartitionCleanupReport> {
    const { topic, partition } = log;
    let policy = '?';
    let segmentsDeleted = 0;
    let bytesDeleted = 0;
    let compaction: CompactionStats | undefined;
    try {
      const config = log.topicConfig();
      policy = normalizeCleanupPolicyName(cleanupPolicyOf(config));
      const planner = this.policyFor(policy);
      if (!planner) throw new Error(`unknown cleanup.policy '${policy}'`);
      const view = await this.viewOf(log, config);
      const plan = planner.plan(view);
      const violations = validateCleanupPlan(view, plan);
      if (violations.length > 0) throw new Error(`cleanup.policy '${policy}' made an invalid plan, refused: ${violations.map((v) => v.message).join('; ')}`);
      for (const action of plan.actions) {
        if (action.kind === 'delete-segments') {
          bytesDeleted += await this.deleteSegments(log, action);
          segmentsDeleted += action.baseOffsets.length;
        } else {
          compaction = await this.compact(log, action, config);
        }
      }
      return { topic, partition, policy, segmentsDeleted, bytesDeleted, compaction };
    } catch (error) {
      this.logger.error('cleanup of a partition failed; it is retried next pass', { topic, partition, policy, error: String(error) });
      return { topic, partition, policy, segmentsDeleted, bytesDeleted, compaction, error };
    }
  }

  private async viewOf(log: ManagedLog, config: PartitionLogView['config']): Promise<PartitionLogView> {
    const segments = log.segments();
    const logStartOffset = log.logStartOffset();
    const cleanState = computeCleanState(segments, logStartOffset, this.options.checkpoints.get(log.logDir, log.topic, log.partition));
    return {
      topic: log.topic,
      partition: log.partition,
      segments,
      logStartOffset,
      cleanedUpToOffset: cleanState.cleanedUpToOffset,
      dirtyRatio: cleanState.dirtyRatio,
      firstDirtyTimestampMs: cleanState.firstDirtySegment ? await firstBatchTimestampMs(log, cleanState.firstDirtySegment.baseOffset) : -1,
      config,
      nowMs: this.options.scheduler.nowMs(),
    };
  }

  /** Runs a (validated) deletion; returns the bytes it freed. */
  private async deleteSegments(log: ManagedLog, action: DeleteSegmentsAction): Promise<number> {
    if (action.baseOffsets.length === 0) return 0;
    const doomed = new Set(action.baseOffsets);
    const bytes = log
      .segments()
      .filter((s) => doomed.has(s.baseOffset))
      .reduce((n, s) => n + s.sizeBytes, 0);
    await log.deleteSegments(action.baseOffsets, action.reason);
    this.logger.info('deleted segments', { topic: log.topic, partition: log.partition, reason: action.reason, baseOffsets: action.baseOffsets, bytes });
    return bytes;
  }

  private async compact(log: ManagedLog, planned: CompactAction, config: PartitionLogView['config']): Promise<CompactionStats | undefined> {
    const settings = this.settings();
    if (!settings.cleanerEnable) return undefined;
    const action = { ...planned, toOffset: Math.min(planned.toOffset, log.lastStableOffset?.() ?? Number.POSITIVE_INFINITY) };
    if (action.toOffset <= action.fromOffset) return undefined;
    this.throttler.setRate(settings.ioMaxBytesPerSecond);
    // Deletions earlier in the plan may have moved the log start: take the clean state afresh.
    const checkpoint = this.options.checkpoints.get(log.logDir, log.topic, log.partition);
    const { cleanedUpToOffset } = computeCleanState(log.segments(), log.logStartOffset(), checkpoint);
    const compactor = new Compactor({ clock: this.options.scheduler, map: this.offsetMap(settings), throttler: this.throttler });
    const result = await compactor.compact(log, {
      action,
      cleanedUpToOffset,
      nowMs: this.options.scheduler.nowMs(),
      segmentBytes: numberConfig(config, 'segment.bytes', DEFAULT_LOG_CONFIG.segmentBytes),
    });
    this.options.checkpoints.set(log.logDir, log.topic, log.partition, result.cleanedUpToOffset);
    const { stats } = result;
    const fields = { topic: log.topic, partition: log.partition, cleanedUpToOffset: result.cleanedUpToOffset };
    this.logger.info('compacted', { ...fields, ...stats });
    if (stats.nullKeyRemoved > 0) this.logger.warn('compaction removed records with a null key', { ...fields, count: stats.nullKeyRemoved });
    return stats;
  }

  /** One offset map for every log, allocated at the first compaction and again only when its settings change. */
  private offsetMap(settings: CleanerSettings): OffsetMap {
    if (!this.map || this.map.memoryBytes !== settings.dedupeBufferSize || this.map.loadFactor !== settings.dedupeBufferLoadFactor) {
      this.map = new OffsetMap(settings.dedupeBufferSize, settings.dedupeBufferLoadFactor);
    }
    return this.map;
  }
}

function numberConfig(config: PartitionLogView['config'], key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' ? value : fallback;
}

/** `cleanup.policy` from the config: a list or a comma-separated string; Kafka's default `delete` when absent. */
function cleanupPolicyOf(config: PartitionLogView['config']): string | readonly string[] {
  const value = config['cleanup.policy'];
  if (typeof value === 'string' || Array.isArray(value)) return value as string | readonly string[];
  return 'delete';
}

/** The max timestamp of a segment's first batch (Kafka's firstBatchTimestamp), -1 if it has none. */
async function firstBatchTimestampMs(log: CleanableLog, baseOffset: number): Promise<number> {
  for await (const batch of log.readBatches(baseOffset)) return readBatchHeader(batch).maxTimestamp;
  return -1;
}
