/**
 * Cleanup policy SPI: a pure planner. The storage engine shows a policy a
 * read-only view of one partition's segments and executes the plan it returns
 * (delete whole segments, compact a range). A policy never touches files.
 */

/** One closed (or the active) segment of a partition log, as the planner sees it. */
export interface SegmentView {
  /** Offset of the first record the segment may hold (its file name). */
  readonly baseOffset: number;
  /** Offset after the last record in the segment (exclusive); equals baseOffset when empty. */
  readonly nextOffset: number;
  readonly sizeBytes: number;
  /** Largest record timestamp in the segment (ms since epoch), or -1 when it holds no timestamped record. */
  readonly largestTimestampMs: number;
  /** Time the segment was created or last modified, used when no timestamp is known (ms since epoch). */
  readonly lastModifiedMs: number;
  /** The active segment receives appends; policies must never delete or compact it. */
  readonly isActive: boolean;
}

/** What a policy sees of a partition when it plans. */
export interface PartitionLogView {
  readonly topic: string;
  readonly partition: number;
  /** Segments ascending by baseOffset; the last one is the active segment. */
  readonly segments: readonly SegmentView[];
  readonly logStartOffset: number;
  /** Offset up to which the log has been compacted before (exclusive); 0 if never. */
  readonly cleanedUpToOffset: number;
  /** Bytes of not-yet-compacted data divided by all bytes of closed segments, in [0, 1]. */
  readonly dirtyRatio: number;
  /** Oldest timestamp among not-yet-compacted records (ms since epoch), or -1 if unknown. */
  readonly firstDirtyTimestampMs: number;
  /** The partition's effective topic configs (Kafka names, e.g. 'retention.ms'), already typed. */
  readonly config: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly nowMs: number;
}

export type CleanupReason = 'retention.ms' | 'retention.bytes' | 'log-start-offset' | 'custom';

/** A plan step: delete whole closed segments (by baseOffset). */
export interface DeleteSegmentsAction {
  readonly kind: 'delete-segments';
  readonly baseOffsets: readonly number[];
  readonly reason: CleanupReason;
}

/**
 * A plan step: compact the closed segments covering [fromOffset, toOffset),
 * keeping the latest record per key. `dropRecord` lets a policy remove more
 * (e.g. a per-key TTL); it is called for each surviving record and must be pure.
 */
export interface CompactAction {
  readonly kind: 'compact';
  readonly fromOffset: number;
  readonly toOffset: number;
  /** Tombstones whose batch is older than this (ms since epoch) are removed. */
  readonly deleteTombstonesBeforeMs: number;
  readonly dropRecord?: (record: CompactionRecordView) => boolean;
}

/** A record as the compactor shows it to `dropRecord`. */
export interface CompactionRecordView {
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly { readonly key: string; readonly value: Uint8Array | null }[];
}

export type CleanupAction = DeleteSegmentsAction | CompactAction;

export interface CleanupPlan {
  readonly actions: readonly CleanupAction[];
}

/** A cleanup policy: `cleanup.policy=<name>` selects it for a topic. */
export interface CleanupPolicy {
  readonly name: string;
  plan(view: PartitionLogView): CleanupPlan;
}
