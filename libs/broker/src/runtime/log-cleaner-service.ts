import { CLUSTER_METADATA_TOPIC } from '@tributary/metadata';
import type { CleanupPolicy } from '@tributary/plugins-api';
import type { PluginRegistry } from '@tributary/plugins-host';
import {
  CleanerCheckpointStore,
  CleanupManager,
  type CleanerSettings,
  type CleanupPassReport,
  DEFAULT_CLEANER_SETTINGS,
  type ManagedLog,
  managedLogsOf,
} from '@tributary/storage';
import type { BrokerSettings } from '../config/broker-config-model';
import type { BrokerBackgroundService, BrokerRuntime } from './broker-runtime';

/** The retention/compaction cleaner as a broker background service; `runPass` runs (or joins) one pass now. */
export interface LogCleanerService extends BrokerBackgroundService {
  runPass(): Promise<CleanupPassReport>;
}

/**
 * Kafka's log-retention task and log cleaner over the runtime's partition
 * logs (never the metadata log): every `log.retention.check.interval.ms` the
 * storage CleanupManager asks each partition's `cleanup.policy` — a built-in
 * or a plugin found by `policyFor` — for a plan. Topic configs are read from
 * the logs at every pass, so an altered `retention.ms` applies on the next
 * one. Compaction stays below each partition's high watermark.
 */
export function logCleanerService(runtime: BrokerRuntime, policyFor?: (name: string) => CleanupPolicy | undefined): LogCleanerService {
  const { scheduler, logger, config } = runtime.options;
  const hosted = (log: ManagedLog): boolean => log.topic !== CLUSTER_METADATA_TOPIC && runtime.replicaManager.getPartition(log) !== undefined;
  const allLogs = managedLogsOf(runtime.logManager, { lastStableOffset: (tp) => runtime.replicaManager.getPartition(tp)?.highWatermark ?? 0 });
  const manager = new CleanupManager({
    scheduler,
    logger,
    logs: () => allLogs().filter(hosted),
    checkpoints: new CleanerCheckpointStore(runtime.disk, logger),
    ...(policyFor ? { policyFor } : {}),
    settings: () => cleanerSettingsOf(config.settings),
  });
  return {
    start: () => manager.start(),
    stop: () => manager.stop(),
    runPass: () => manager.runPass(),
  };
}

/**
 * A `policyFor` over the plugin host's cleanup-policy registry (built-ins and
 * loaded plugins): each named policy is created once, guarded (a span per
 * call, a failing or invalid plan is refused and the partition skipped).
 */
export function cleanupPolicyLookup(registry: PluginRegistry<'cleanup-policy'>): (name: string) => CleanupPolicy | undefined {
  const created = new Map<string, CleanupPolicy>();
  return (name) => {
    const cached = created.get(name);
    if (cached) return cached;
    if (!registry.has(name)) return undefined;
    const policy = registry.create(name);
    created.set(name, policy);
    return policy;
  };
}

/** The storage cleaner's settings from the broker's (read at every pass, so dynamic updates apply). */
export function cleanerSettingsOf(settings: BrokerSettings): CleanerSettings {
  return {
    ...DEFAULT_CLEANER_SETTINGS,
    retentionCheckIntervalMs: settings.retentionCheckIntervalMs,
    cleanerEnable: settings.cleanerEnable,
    dedupeBufferSize: settings.cleanerDedupeBufferBytes,
    // Kafka's "unlimited" is Double.MAX_VALUE; the throttler's is Infinity.
    ioMaxBytesPerSecond: settings.cleanerIoMaxBytesPerSecond >= Number.MAX_VALUE ? Number.POSITIVE_INFINITY : settings.cleanerIoMaxBytesPerSecond,
  };
}
