import * as path from 'node:path';
import type { PartitionLogView } from '@tributary/plugins-api';
import type { CleanedSegment, CleanedSegmentWriter } from '../cleaner/cleanable-log';
import type { TopicPartition } from '@tributary/util';
import type { LogConfig } from '../core/log-config';
import type { Log } from '../log/log';
import type { LogManager } from '../log-manager';
import type { SegmentWriter } from '../log/segment-writer';
import type { ManagedLog } from './cleanup-manager';

export interface LogAdapterOptions {
  /**
   * The partition's last stable offset (≤ high watermark), from the replica
   * layer. Compaction never maps or removes records at or past it: records
   * above the high watermark may still be truncated away, and one already in
   * the offset map would have superseded its key's older value for nothing.
   * Without it, the log end offset is used — right only for a log that is
   * never truncated (a single replica).
   */
  readonly lastStableOffset?: () => number;
}

/**
 * The `logs` option of a CleanupManager over a LogManager: its online logs,
 * listed afresh at every pass. `lastStableOffset` gives each partition's
 * bound (see LogAdapterOptions).
 */
export function managedLogsOf(logs: LogManager, options: { readonly lastStableOffset?: (tp: TopicPartition) => number } = {}): () => ManagedLog[] {
  return () =>
    logs
      .allLogs()
      .filter((log) => !log.isOffline && !log.isClosed)
      .map((log) => {
        const bound = options.lastStableOffset;
        return managedLogOf(log, bound ? { lastStableOffset: () => bound(log.topicPartition) } : {});
      });
}

interface LogCleanedSegment extends CleanedSegment {
  readonly writer: SegmentWriter;
}

/** The cleaner's view of a `Log`: the cleaner interface of the log layer (see the storage README). */
export function managedLogOf(log: Log, options: LogAdapterOptions = {}): ManagedLog {
  return {
    topic: log.topicPartition.topic,
    partition: log.topicPartition.partition,
    logDir: path.dirname(log.dir),
    segments: () => log.segments(),
    logStartOffset: () => log.logStartOffset,
    lastStableOffset: () => options.lastStableOffset?.() ?? log.logEndOffset,
    topicConfig: () => topicConfigOf(log.config),
    async *readBatches(baseOffset) {
      for (const batch of log.segmentBatches(baseOffset)) yield batch.data;
    },
    deleteSegments: async (baseOffsets, reason) => {
      log.deleteSegments(baseOffsets, reason);
    },
    createCleanedSegment: async (baseOffset) => cleanedSegmentWriter(log.createSegmentWriter(baseOffset)),
    replaceSegments: async (oldBaseOffsets, cleaned) => {
      log.replaceSegments(
        oldBaseOffsets,
        (cleaned as readonly LogCleanedSegment[]).map((c) => c.writer),
      );
    },
  };
}

function cleanedSegmentWriter(writer: SegmentWriter): CleanedSegmentWriter {
  return {
    baseOffset: writer.baseOffset,
    get sizeBytes() {
      return writer.sizeBytes;
    },
    append: async (batch) => writer.append(batch),
    finish: async (): Promise<LogCleanedSegment> => {
      await writer.finish();
      return { baseOffset: writer.baseOffset, sizeBytes: writer.sizeBytes, writer };
    },
    abort: async () => writer.abort(),
  };
}

/** A log's config by Kafka's topic-config names, as cleanup policies read it (PartitionLogView.config). */
export function topicConfigOf(config: LogConfig): PartitionLogView['config'] {
  return {
    'cleanup.policy': config.cleanupPolicy,
    'retention.ms': config.retentionMs,
    'retention.bytes': config.retentionBytes,
    'delete.retention.ms': config.deleteRetentionMs,
    'min.compaction.lag.ms': config.minCompactionLagMs,
    'max.compaction.lag.ms': config.maxCompactionLagMs,
    'min.cleanable.dirty.ratio': config.minCleanableDirtyRatio,
    'file.delete.delay.ms': config.fileDeleteDelayMs,
    'segment.bytes': config.segmentBytes,
    'segment.ms': config.segmentMs,
    'segment.jitter.ms': config.segmentJitterMs,
    'segment.index.bytes': config.segmentIndexBytes,
    'index.interval.bytes': config.indexIntervalBytes,
    'flush.messages': config.flushMessages,
    'flush.ms': config.flushMs,
    'max.message.bytes': config.maxMessageBytes,
    'message.timestamp.type': config.messageTimestampType,
    'message.timestamp.before.max.ms': config.messageTimestampBeforeMaxMs,
    'message.timestamp.after.max.ms': config.messageTimestampAfterMaxMs,
    preallocate: config.preallocate,
  };
}
