// Disk port
export { type Disk, type DiskStat, type Fd, type OpenMode, diskErrorCode, makeDiskError } from './disk/disk';
export { NodeDisk } from './disk/node-disk';
export { type CrashOptions, type FaultRule, SimulatedDisk, type SimulatedDiskOp, type SimulatedDiskOptions } from './disk/simulated-disk';
// Pure core
export { DEFAULT_LOG_CONFIG, type LogConfig, NEVER, type TimestampTypeName, resolveLogConfig } from './core/log-config';
export { OffsetIndex, IndexCorruptError, OFFSET_INDEX_ENTRY_BYTES, MAX_RELATIVE_OFFSET } from './core/offset-index';
export { TimeIndex, TIME_INDEX_ENTRY_BYTES } from './core/time-index';
export { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './core/leader-epoch-cache';
export {
  CheckpointFormatError,
  type EpochEntry,
  type PartitionOffset,
  formatEpochCheckpoint,
  formatOffsetCheckpoint,
  formatPartitionMetadata,
  parseEpochCheckpoint,
  parseOffsetCheckpoint,
  parsePartitionMetadata,
} from './core/checkpoint-format';
export {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SNAPSHOT_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  offsetFileName,
  parsePartitionDirName,
  parseSegmentFileName,
  partitionDirName,
  segmentFileName,
} from './core/segment-files';
export { type RollReason, shouldRoll } from './core/roll-policy';
// Log
export { Log, type AppendOptions, type LogHooks, type LogOptions, LEADER_EPOCH_CHECKPOINT_FILE, PARTITION_METADATA_FILE } from './log/log';
export { SegmentWriter } from './log/segment-writer';
export {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  MAX_TIMESTAMP,
  type FetchDataInfo,
  type LogAppendInfo,
  type LogSegmentView,
  type SegmentBatch,
  type SegmentDeletionReason,
  type TimestampAndOffset,
} from './log/types';
export { type StorageLogger, CapturingStorageLogger, consoleStorageLogger, silentStorageLogger } from './log/logger';
export { readFileIfExists, removeTree, unlinkIfExists, writeFileAtomic, writeFileAtomicSync } from './log/atomic-file';
export { FileCache } from './log/file-cache';
// Manager
export {
  CLEAN_SHUTDOWN_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  LogManager,
  type LogManagerOptions,
  type LoadSummary,
  RECOVERY_POINT_CHECKPOINT_FILE,
} from './log-manager';
// Retention and compaction
export {
  type CleanerSettings,
  type CleanupManagerOptions,
  type CleanupPassReport,
  CleanupManager,
  DEFAULT_CLEANER_SETTINGS,
  type ManagedLog,
  type PartitionCleanupReport,
} from './retention/cleanup-manager';
export { CLEANER_CHECKPOINT_FILE, CleanerCheckpointStore } from './cleaner/cleaner-checkpoint-store';
export { builtinCleanupPolicies } from './retention/builtin-policies';
export { type LogAdapterOptions, managedLogOf, managedLogsOf, topicConfigOf } from './retention/log-adapter';
export type { CompactionStats } from './cleaner/compactor';
