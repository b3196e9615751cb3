import type { CleanupReason, SegmentView } from '@tributary/plugins-api';

/**
 * What the cleaner needs from one partition log: the port the log layer
 * satisfies (see `log-adapter.ts` for the real log). Everything here must be
 * safe to call while appends and reads go on; the cleaner only ever reads or
 * replaces closed segments.
 */
export interface CleanableLog {
  readonly topic: string;
  readonly partition: number;
  /** Segments ascending by baseOffset; the last is the active one. */
  segments(): readonly SegmentView[];
  logStartOffset(): number;
  /**
   * The batches of a closed segment in file order, each one whole batch
   * (header + records) whose CRC has been checked; CORRUPT_MESSAGE otherwise.
   */
  readBatches(baseOffset: number): AsyncIterable<Buffer>;
  /** Removes closed segments (renamed `.deleted`, files removed after file.delete.delay.ms). */
  deleteSegments(baseOffsets: readonly number[], reason: CleanupReason): Promise<void>;
  /** Starts a new segment file beside the log that will replace old ones (a `.cleaned` file). */
  createCleanedSegment(baseOffset: number): Promise<CleanedSegmentWriter>;
  /**
   * Atomically swaps `oldBaseOffsets` (closed, contiguous) for the finished
   * cleaned segments; crash-safe (recovery completes or rolls back the swap).
   */
  replaceSegments(oldBaseOffsets: readonly number[], cleaned: readonly CleanedSegment[]): Promise<void>;
}

/** Writes a cleaned segment: batches keep their offsets; the writer builds the indexes. */
export interface CleanedSegmentWriter {
  readonly baseOffset: number;
  /** Bytes appended so far. */
  readonly sizeBytes: number;
  /** Appends one whole batch, whose offsets must be above every batch appended before. */
  append(batch: Buffer): Promise<void>;
  /** Flushes and closes the file; the result is what `replaceSegments` takes. */
  finish(): Promise<CleanedSegment>;
  /** Closes and removes the unfinished file. */
  abort(): Promise<void>;
}

/** A finished cleaned segment, ready to be swapped in. Opaque to the cleaner beyond these fields. */
export interface CleanedSegment {
  readonly baseOffset: number;
  readonly sizeBytes: number;
}
