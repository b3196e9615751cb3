import { type CleanupAction, type CleanupPolicy, type PartitionLogView, definePlugin } from '@tributary/plugins-api';
import { BUILTIN_API_VERSION, BUILTIN_PLUGIN_VERSION } from '../version';
import { planCompaction } from './plan-compaction';
import { planDeletions } from './plan-deletions';

/** `cleanup.policy=delete`: Kafka's retention (log start offset, retention.bytes, retention.ms). */
export function planDelete(view: PartitionLogView): { actions: CleanupAction[] } {
  return { actions: planDeletions(view, { retention: true }).actions };
}

/**
 * `cleanup.policy=compact`: segments below the log start offset are still
 * deleted (Kafka does so for every log), then the rest is compacted when due.
 */
export function planCompact(view: PartitionLogView): { actions: CleanupAction[] } {
  const deletions = planDeletions(view, { retention: false });
  const compaction = planCompaction(view, deletions.remaining);
  return { actions: compaction ? [...deletions.actions, compaction] : deletions.actions };
}

/** `cleanup.policy=compact,delete`: retention first, then compaction of what is left. */
export function planCompactDelete(view: PartitionLogView): { actions: CleanupAction[] } {
  const deletions = planDeletions(view, { retention: true });
  const compaction = planCompaction(view, deletions.remaining);
  return { actions: compaction ? [...deletions.actions, compaction] : deletions.actions };
}

const policy = (name: string, plan: CleanupPolicy['plan']): CleanupPolicy => ({ name, plan });

export const deleteCleanupPolicyPlugin = definePlugin({
  kind: 'cleanup-policy',
  name: 'delete',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: 'Deletes old segments by retention.ms, retention.bytes and the log start offset.',
  create: () => policy('delete', planDelete),
});

export const compactCleanupPolicyPlugin = definePlugin({
  kind: 'cleanup-policy',
  name: 'compact',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: 'Keeps the latest record per key (log compaction).',
  create: () => policy('compact', planCompact),
});

export const compactDeleteCleanupPolicyPlugin = definePlugin({
  kind: 'cleanup-policy',
  name: 'compact,delete',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: 'Retention deletion, then compaction of what remains.',
  create: () => policy('compact,delete', planCompactDelete),
});
