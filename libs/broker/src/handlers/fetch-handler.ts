import { ErrorCode } from '@tributary/errors';
import type { FetchRequest, FetchResponse } from '@tributary/proto';
import type { FetchPartitionResult } from '../replica/fetch-types';
import type { ReplicaManager } from '../replica/replica-manager';

/** Longest a fetch may park, whatever max_wait_ms asks. */
export const MAX_FETCH_WAIT_MS = 60_000;

/**
 * Fetch for consumers: a long poll (max_wait_ms, min_bytes) parked in the
 * purgatory and woken by appends; reads stop at the high watermark; byte
 * limits per request and per partition, the first batch returned even if
 * larger; no fetch returns more than fetch.max.bytes. read_committed reads up to the high watermark too (no
 * transactions yet: the last stable offset equals it). Follower fetches
 * arrive with replication.
 */
export class FetchHandler {
  constructor(
    private readonly replicaManager: ReplicaManager,
    /** fetch.max.bytes */
    private readonly fetchMaxBytes: number,
  ) {}

  async handle(request: FetchRequest, signal?: AbortSignal): Promise<FetchResponse> {
    if (request.replicaId >= 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'follower fetches are not supported until replication lands', responses: [] };
    }
    const partitions = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topicPartition: { topic: t.topic, partition: p.partition },
        fetchOffset: p.fetchOffset,
        maxBytes: Math.max(0, p.partitionMaxBytes),
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
    );
    const maxBytes = request.maxBytes > 0 ? Math.min(request.maxBytes, this.fetchMaxBytes) : this.fetchMaxBytes;
    const maxWaitMs = signal?.aborted ? 0 : Math.min(Math.max(0, request.maxWaitMs), MAX_FETCH_WAIT_MS);
    const results = await this.replicaManager.fetch({ partitions, maxBytes, minBytes: request.minBytes, maxWaitMs }, signal);
    const byTopic = new Map<string, FetchPartitionResult[]>();
    for (const r of results) {
      const list = byTopic.get(r.topicPartition.topic);
      if (list) list.push(r);
      else byTopic.set(r.topicPartition.topic, [r]);
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: '',
      responses: [...byTopic].map(([topic, rs]) => ({
        topic,
        partitions: rs.map((r) => ({
          partitionIndex: r.topicPartition.partition,
          errorCode: r.errorCode,
          errorMessage: r.errorMessage,
          highWatermark: r.highWatermark,
          lastStableOffset: r.highWatermark,
          logStartOffset: r.logStartOffset,
          abortedTransactions: [],
          preferredReadReplica: -1,
          records: r.records,
        })),
      })),
    };
  }
}
