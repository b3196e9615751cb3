import * as path from 'node:path';
import { formatOffsetCheckpoint, type PartitionOffset, parseOffsetCheckpoint } from '../core/checkpoint-format';
import type { Disk } from '../disk/disk';
import { readFileIfExists, writeFileAtomicSync } from '../log/atomic-file';
import type { StorageLogger } from '../log/logger';

/** Kafka's file name for the per-log-dir record of how far each partition has been compacted. */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/**
 * The `cleaner-offset-checkpoint` file of each log dir (Kafka's offset
 * checkpoint format), cached in memory. Every change rewrites the file
 * atomically (tmp, fsync, rename, dir fsync): a crash leaves the old or the
 * new file. A missing or unreadable file means "never cleaned": compaction is
 * idempotent, so the only cost is cleaning again.
 */
export class CleanerCheckpointStore {
  private readonly cache = new Map<string, Map<string, PartitionOffset>>();

  constructor(
    private readonly disk: Disk,
    private readonly logger?: StorageLogger,
  ) {}

  /** The checkpointed offset of a partition in `logDir`, or undefined if it was never cleaned. */
  get(logDir: string, topic: string, partition: number): number | undefined {
    return this.entries(logDir).get(keyOf(topic, partition))?.offset;
  }

  /** Records that the partition is cleaned up to `offset` (exclusive) and persists the file. */
  set(logDir: string, topic: string, partition: number, offset: number): void {
    const entries = this.entries(logDir);
    if (entries.get(keyOf(topic, partition))?.offset === offset) return;
    entries.set(keyOf(topic, partition), { topic, partition, offset });
    this.write(logDir, entries);
  }

  /** Lowers a partition's checkpoint to `offset` if it is above it (the log was truncated there). */
  truncate(logDir: string, topic: string, partition: number, offset: number): void {
    const current = this.get(logDir, topic, partition);
    if (current !== undefined && current > offset) this.set(logDir, topic, partition, offset);
  }

  /** Forgets a partition (deleted, or moved to another log dir) and persists the file. */
  remove(logDir: string, topic: string, partition: number): void {
    const entries = this.entries(logDir);
    if (entries.delete(keyOf(topic, partition))) this.write(logDir, entries);
  }

  private entries(logDir: string): Map<string, PartitionOffset> {
    let entries = this.cache.get(logDir);
    if (!entries) {
      entries = new Map(this.load(logDir).map((e) => [keyOf(e.topic, e.partition), e]));
      this.cache.set(logDir, entries);
    }
    return entries;
  }

  private load(logDir: string): PartitionOffset[] {
    try {
      const bytes = readFileIfExists(this.disk, path.join(logDir, CLEANER_CHECKPOINT_FILE));
      return bytes ? parseOffsetCheckpoint(bytes.toString('utf8'), CLEANER_CHECKPOINT_FILE) : [];
    } catch (error) {
      this.logger?.warn(`ignoring an unreadable ${CLEANER_CHECKPOINT_FILE}; its partitions are compacted from the start`, { logDir, error: String(error) });
      return [];
    }
  }

  private write(logDir: string, entries: Map<string, PartitionOffset>): void {
    writeFileAtomicSync(this.disk, path.join(logDir, CLEANER_CHECKPOINT_FILE), Buffer.from(formatOffsetCheckpoint(entries.values()), 'utf8'));
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
