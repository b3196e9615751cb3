import { ErrorCode, TributaryError, toTributaryError } from '@tributary/errors';
import { topicPartitionKey, type Prng, type Scheduler, type TopicPartition } from '@tributary/util';
import type { ClientTransport, IsolationLevelNumber, ListOffsetsPartitionResponse, NodeTarget } from '../transport/transport';
import { backoffMs } from './backoff';
import { timeoutError, withTimeout } from './deadline';
import type { MetadataManager } from './metadata-manager';

export interface OffsetSpecInput {
  readonly tp: TopicPartition;
  /** A timestamp (ms), or OffsetSpec.EARLIEST (-2) / LATEST (-1) / MAX_TIMESTAMP (-3). */
  readonly timestamp: number;
}

export interface OffsetAndTimestamp {
  readonly offset: number;
  /** -1 for EARLIEST/LATEST lookups. */
  readonly timestamp: number;
  readonly leaderEpoch: number;
}

/** Errors that mean "ask the new leader": retried after a metadata refresh. */
const RETRY_AFTER_METADATA: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
]);

export interface OffsetLookupOptions {
  readonly metadata: MetadataManager;
  readonly transport: ClientTransport;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
}

/**
 * ListOffsets against partition leaders (Kafka's OffsetFetcher): groups
 * partitions by leader, retries retriable errors (refreshing metadata for
 * stale leaders) with backoff until the deadline, and fails fast on the rest.
 */
export class OffsetLookup {
  constructor(private readonly options: OffsetLookupOptions) {}

  /**
   * Resolves every spec (one per partition) to an offset, or null when no
   * record matches the timestamp. Rejects with REQUEST_TIMED_OUT at `deadlineMs` (monotonic), or
   * with the partition's error when it is not retriable.
   */
  async lookup(specs: readonly OffsetSpecInput[], deadlineMs: number, isolationLevel: IsolationLevelNumber): Promise<Map<string, OffsetAndTimestamp | null>> {
    const { metadata, scheduler } = this.options;
    const keys = new Set(specs.map((s) => topicPartitionKey(s.tp)));
    if (keys.size !== specs.length) {
      throw new TributaryError('INVALID_REQUEST', 'ListOffsets takes one offset spec per partition (a partition was named twice)', { retriable: false });
    }
    const results = new Map<string, OffsetAndTimestamp | null>();
    let remaining = [...specs];
    metadata.addTopics(new Set(specs.map((s) => s.tp.topic)));
    for (let attempt = 0; remaining.length > 0; attempt++) {
      const byLeader = new Map<number, { target: NodeTarget; specs: OffsetSpecInput[] }>();
      let leaderMissing = false;
      for (const spec of remaining) {
        const leader = metadata.cluster.leaderFor(spec.tp);
        if (!leader) {
          leaderMissing = true;
          continue;
        }
        const group = byLeader.get(leader.nodeId) ?? { target: leader, specs: [] };
        group.specs.push(spec);
        byLeader.set(leader.nodeId, group);
      }
      if (leaderMissing) metadata.requestUpdate();
      const left = deadlineMs - scheduler.monotonicMs();
      if (left <= 0) break;
      await Promise.all([...byLeader.values()].map((g) => this.askLeader(g.target, g.specs, Math.min(left, this.options.requestTimeoutMs), isolationLevel, results)));
      remaining = remaining.filter((s) => !results.has(topicPartitionKey(s.tp)));
      if (remaining.length === 0) break;
      const waitMs = Math.min(backoffMs(attempt, this.options.retryBackoffMs, this.options.retryBackoffMaxMs, this.options.prng), deadlineMs - scheduler.monotonicMs());
      if (waitMs <= 0) break;
      await this.sleepOrMetadata(waitMs, leaderMissing);
    }
    if (remaining.length > 0) {
      throw timeoutError(`Failed to get offsets by times for ${remaining.map((s) => topicPartitionKey(s.tp)).join(', ')} before the deadline`);
    }
    return results;
  }

  private async askLeader(
    target: NodeTarget,
    specs: readonly OffsetSpecInput[],
    timeoutMs: number,
    isolationLevel: IsolationLevelNumber,
    results: Map<string, OffsetAndTimestamp | null>,
  ): Promise<void> {
    const { transport, scheduler, metadata } = this.options;
    const topics = new Map<string, { partition: number; timestamp: number; currentLeaderEpoch: number }[]>();
    for (const spec of specs) {
      const list = topics.get(spec.tp.topic) ?? [];
      list.push({ partition: spec.tp.partition, timestamp: spec.timestamp, currentLeaderEpoch: metadata.cluster.leaderFor(spec.tp)?.leaderEpoch ?? -1 });
      topics.set(spec.tp.topic, list);
    }
    const request = { isolationLevel, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
    let response;
    try {
      response = await withTimeout(transport.listOffsets(target, request, { timeoutMs }), scheduler, timeoutMs, `ListOffsets to node ${target.nodeId}`);
    } catch (error) {
      const failure = toTributaryError(error, 'NETWORK_EXCEPTION');
      if (!failure.retriable) throw failure;
      metadata.requestUpdate();
      return;
    }
    for (const topic of response.topics) {
      for (const p of topic.partitions) this.takeResult(topic.name, p, results);
    }
  }

  private takeResult(topic: string, p: ListOffsetsPartitionResponse, results: Map<string, OffsetAndTimestamp | null>): void {
    const key = topicPartitionKey({ topic, partition: p.partition });
    if (p.errorCode === ErrorCode.NONE) {
      results.set(key, p.offset < 0 ? null : { offset: p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch });
      return;
    }
    const error = new TributaryError(p.errorCode, `ListOffsets for ${key}`);
    if (RETRY_AFTER_METADATA.has(p.errorCode)) this.options.metadata.requestUpdate();
    else if (!error.retriable) throw error;
  }

  private sleepOrMetadata(ms: number, wakeOnMetadata: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.scheduler.schedule(ms, resolve);
      if (wakeOnMetadata) {
        void this.options.metadata.waitForUpdate().then(() => {
          timer.cancel();
          resolve();
        });
      }
    });
  }
}
