/**
 * @tributary/plugins-builtin — the default plugins, written only against
 * @tributary/plugins-api (see README.md).
 */
export { BUILTIN_PLUGINS, builtinPluginNames, findBuiltinPlugin } from './registry';
export { BUILTIN_API_VERSION, BUILTIN_PLUGIN_VERSION } from './version';
export { murmur2, partitionForKey, toPositive } from './partitioners/murmur2';
export { StickyPartitionCache } from './partitioners/sticky-partition-cache';
export { createDefaultPartitioner, defaultPartitionerPlugin, uniformStickyPartitionerPlugin } from './partitioners/default-partitioner';
export { createRoundRobinPartitioner, roundRobinPartitionerPlugin } from './partitioners/round-robin-partitioner';
export { assignRange, rangeAssignorPlugin } from './assignors/range-assignor';
export { assignRoundRobin, roundRobinAssignorPlugin } from './assignors/round-robin-assignor';
export { compareMembers } from './assignors/member-order';
export {
  compactCleanupPolicyPlugin,
  compactDeleteCleanupPolicyPlugin,
  deleteCleanupPolicyPlugin,
  planCompact,
  planCompactDelete,
  planDelete,
} from './cleanup/cleanup-policies';
export { planDeletions } from './cleanup/plan-deletions';
export type { DeletionPlan } from './cleanup/plan-deletions';
export { planCompaction } from './cleanup/plan-compaction';
export { CLEANUP_DEFAULTS, topicNumber } from './cleanup/topic-config';
export { effectiveTimestampMs } from './cleanup/segments';
