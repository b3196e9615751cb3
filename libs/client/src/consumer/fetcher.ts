import { ErrorCode, TributaryError, toTributaryError } from '@tributary/errors';
import { topicPartitionKey, type Scheduler, type TopicPartition } from '@tributary/util';
import type { DecodedBatch, RecordBatchCodec } from '../common/batch-codec';
import { withTimeout } from '../common/deadline';
import type { MetadataManager } from '../common/metadata-manager';
import type { SpiConsumerRecord } from '../common/plugins';
import { IsolationLevel, type AbortedTransaction, type ClientTransport, type FetchPartitionResponse, type FetchRequest, type NodeTarget } from '../transport/transport';
import type { ConsumerConfig } from './consumer-config';
import type { PartitionState, SubscriptionState } from './subscription-state';

/** A fetched record before deserialization: the SPI's record plus what the typed record needs. */
export interface RawConsumerRecord extends SpiConsumerRecord {
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly leaderEpoch: number;
}

/** Errors after which the fetch goes to a leader found by refreshed metadata. */
const REFRESH_METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.LEADER_NOT_AVAILABLE,
]);

/** A fetch response for one partition, consumed by polls. */
interface CompletedFetch {
  readonly tp: TopicPartition;
  readonly key: string;
  readonly positionVersion: number;
  readonly bytes: Uint8Array;
  batches: DecodedBatch[] | undefined;
  batchIndex: number;
  readonly abortedTransactions: AbortedTransaction[];
  readonly abortedProducers: Set<number>;
}

/** An error that belongs to one partition, raised by the next poll. */
export class PartitionError extends TributaryError {
  constructor(
    code: number,
    message: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset?: number,
  ) {
    super(code, message);
  }
}

/**
 * Kafka's Fetcher for manually assigned partitions: background prefetch with
 * at most one fetch in flight per node, and at most one buffered response per
 * partition (a partition with buffered records is not fetched again until a
 * poll drains them), so the buffer is bounded by
 * (assigned partitions × max.partition.fetch.bytes) and fetch.max.bytes per
 * response. Answers to fetches from before a seek are dropped.
 */
export class Fetcher {
  private completed: CompletedFetch[] = [];
  private readonly inFlightNodes = new Set<number>();
  private readonly nodeRetryAtMs = new Map<number, number>();
  /** Partitions whose leader answered with a stale-metadata error: not fetched until metadata changes or the backoff ends. */
  private readonly partitionBackoff = new Map<string, { untilMs: number; metadataVersion: number }>();
  /** At most one per partition: the partition is not fetched again until a poll raises it (Kafka keeps the failed fetch buffered). */
  private readonly errors = new Map<string, PartitionError>();
  private closed = false;

  constructor(
    private readonly config: ConsumerConfig,
    private readonly subscriptions: SubscriptionState,
    private readonly metadata: MetadataManager,
    private readonly transport: ClientTransport,
    private readonly scheduler: Scheduler,
    private readonly codec: RecordBatchCodec,
    private readonly onActivity: () => void,
  ) {}

  /** Buffered responses (for tests and metrics). */
  get bufferedCount(): number {
    return this.completed.length;
  }

  get inFlightCount(): number {
    return this.inFlightNodes.size;
  }

  /** Raises (once) the oldest partition error a fetch found; errors of partitions since sought or unassigned are dropped. */
  throwPendingError(): void {
    for (const [key, error] of this.errors) {
      this.errors.delete(key);
      const state = this.subscriptions.get(error);
      if (state && (error.offset === undefined || state.position === error.offset)) throw error;
    }
  }

  close(): void {
    this.closed = true;
    this.completed = [];
  }

  /** Sends a fetch to every leader of a fetchable partition that has no fetch in flight and nothing buffered. */
  sendFetches(): void {
    if (this.closed) return;
    const buffered = new Set(this.completed.map((c) => c.key));
    const now = this.scheduler.monotonicMs();
    const byNode = new Map<number, { target: NodeTarget; states: PartitionState[] }>();
    for (const state of this.subscriptions.all()) {
      const key = topicPartitionKey(state.tp);
      if (!this.subscriptions.isFetchable(state) || buffered.has(key) || this.errors.has(key)) continue;
      const backoff = this.partitionBackoff.get(key);
      if (backoff && backoff.untilMs > now && backoff.metadataVersion === this.metadata.version) continue;
      this.partitionBackoff.delete(key);
      const leader = this.metadata.cluster.leaderFor(state.tp);
      if (!leader) {
        this.metadata.requestUpdate();
        continue;
      }
      if (this.inFlightNodes.has(leader.nodeId) || (this.nodeRetryAtMs.get(leader.nodeId) ?? 0) > now) continue;
      const group = byNode.get(leader.nodeId) ?? { target: leader, states: [] };
      group.states.push(state);
      byNode.set(leader.nodeId, group);
    }
    for (const { target, states } of byNode.values()) this.fetchFrom(target, states);
  }

  private fetchFrom(target: NodeTarget, states: PartitionState[]): void {
    const cfg = this.config;
    const asked = states.map((s) => ({ state: s, offset: s.position as number, version: s.positionVersion }));
    const topics = new Map<string, FetchRequest['topics'][number]['partitions'][number][]>();
    for (const { state, offset } of asked) {
      const list = topics.get(state.tp.topic) ?? [];
      list.push({
        partition: state.tp.partition,
        fetchOffset: offset,
        currentLeaderEpoch: this.metadata.cluster.leaderFor(state.tp)?.leaderEpoch ?? -1,
        logStartOffset: -1,
        partitionMaxBytes: cfg['max.partition.fetch.bytes'],
      });
      topics.set(state.tp.topic, list);
    }
    const request: FetchRequest = {
      maxWaitMs: cfg['fetch.max.wait.ms'],
      minBytes: cfg['fetch.min.bytes'],
      maxBytes: cfg['fetch.max.bytes'],
      isolationLevel: cfg['isolation.level'] === 'read_committed' ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    };
    // The broker may hold the fetch for fetch.max.wait.ms before it answers.
    const timeoutMs = cfg['request.timeout.ms'] + cfg['fetch.max.wait.ms'];
    this.inFlightNodes.add(target.nodeId);
    withTimeout(this.transport.fetch(target, request, { timeoutMs }), this.scheduler, timeoutMs, `Fetch from node ${target.nodeId}`).then(
      (response) => {
        this.inFlightNodes.delete(target.nodeId);
        if (this.closed) return;
        if (response.errorCode !== ErrorCode.NONE) this.nodeFailed(target.nodeId);
        const byKey = new Map<string, FetchPartitionResponse>(response.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partition}`, p] as const)));
        const before = this.completed.length + this.errors.size;
        for (const { state, offset, version } of asked) {
          const result = byKey.get(topicPartitionKey(state.tp));
          const current = this.subscriptions.get(state.tp);
          // Dropped: unassigned since, or seeked/reset since (the answer is for an old position).
          if (!result || current !== state || state.positionVersion !== version || state.position !== offset) continue;
          this.handlePartition(state, offset, result);
        }
        // An empty answer (fetch.max.wait.ms=0, or a fast transport) wakes pollers on the next
        // scheduler turn, so fetch-again loops never starve the event loop.
        if (this.completed.length + this.errors.size > before) this.onActivity();
        else this.scheduler.schedule(0, () => this.onActivity());
      },
      () => {
        this.inFlightNodes.delete(target.nodeId);
        if (this.closed) return;
        this.nodeFailed(target.nodeId);
        this.onActivity();
      },
    );
  }

  /** A failed fetch (request error or whole-fetch error code): back off that node and refresh metadata. */
  private nodeFailed(nodeId: number): void {
    this.nodeRetryAtMs.set(nodeId, this.scheduler.monotonicMs() + this.config['retry.backoff.ms']);
    this.metadata.requestUpdate();
    // Fetch again once the backoff is over.
    this.scheduler.schedule(this.config['retry.backoff.ms'], () => this.onActivity());
  }

  private handlePartition(state: PartitionState, fetchOffset: number, result: FetchPartitionResponse): void {
    const { tp } = state;
    if (result.highWatermark >= 0) state.highWatermark = result.highWatermark;
    if (result.lastStableOffset >= 0) state.lastStableOffset = result.lastStableOffset;
    if (result.logStartOffset >= 0) state.logStartOffset = result.logStartOffset;
    const code = result.errorCode;
    if (code === ErrorCode.NONE) {
      if (result.records && result.records.length > 0) {
        this.completed.push({
          tp,
          key: topicPartitionKey(tp),
          positionVersion: state.positionVersion,
          bytes: result.records,
          batches: undefined,
          batchIndex: 0,
          abortedTransactions: [...(result.abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset),
          abortedProducers: new Set(),
        });
      }
      return;
    }
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const strategy = this.config['auto.offset.reset'];
      if (strategy === 'none') {
        this.errors.set(topicPartitionKey(tp), new PartitionError(code, `Fetch position offset=${fetchOffset} is out of range for partition ${topicPartitionKey(tp)}`, tp.topic, tp.partition, fetchOffset));
      } else {
        this.subscriptions.requestReset(tp, strategy);
      }
      return;
    }
    if (REFRESH_METADATA_ERRORS.has(code)) {
      const backoffMs = this.config['retry.backoff.ms'];
      this.partitionBackoff.set(topicPartitionKey(tp), { untilMs: this.scheduler.monotonicMs() + backoffMs, metadataVersion: this.metadata.version });
      this.metadata.requestUpdate();
      this.scheduler.schedule(backoffMs, () => this.onActivity());
      return;
    }
    const error = new TributaryError(code);
    if (!error.retriable) this.errors.set(topicPartitionKey(tp), new PartitionError(code, `Fetch of ${topicPartitionKey(tp)} failed: ${error.message}`, tp.topic, tp.partition, fetchOffset));
  }

  /**
   * Takes up to `maxRecords` buffered records, in buffer order, advancing
   * positions. Buffered data of paused partitions is kept for later; data
   * from before a seek is dropped. A corrupt response raises CORRUPT_MESSAGE
   * when no record was taken yet (the position stays before it).
   */
  collect(maxRecords: number): RawConsumerRecord[] {
    const out: RawConsumerRecord[] = [];
    for (let i = 0; i < this.completed.length && out.length < maxRecords; ) {
      const fetch = this.completed[i];
      const state = this.subscriptions.get(fetch.tp);
      if (!state || state.positionVersion !== fetch.positionVersion || state.position === null) {
        this.completed.splice(i, 1);
        continue;
      }
      if (state.paused) {
        i++;
        continue;
      }
      let exhausted: boolean;
      try {
        exhausted = this.drain(fetch, state, out, maxRecords);
      } catch (error) {
        this.completed.splice(i, 1);
        if (out.length > 0) break;
        const failure = toTributaryError(error, 'CORRUPT_MESSAGE');
        throw new PartitionError(failure.code, `Fetched data of ${fetch.key} at offset ${state.position} is invalid: ${failure.message}`, state.tp.topic, state.tp.partition, state.position);
      }
      if (exhausted) this.completed.splice(i, 1);
    }
    return out;
  }

  /** Moves records of one response into `out`; true when the response is used up. */
  private drain(fetch: CompletedFetch, state: PartitionState, out: RawConsumerRecord[], maxRecords: number): boolean {
    fetch.batches ??= this.codec.decode(fetch.bytes, { verifyCrc: this.config['check.crcs'] });
    const readCommitted = this.config['isolation.level'] === 'read_committed';
    for (; fetch.batchIndex < fetch.batches.length; fetch.batchIndex++) {
      const batch = fetch.batches[fetch.batchIndex];
      const position = state.position as number;
      if (batch.lastOffset < position) continue;
      if (batch.isControl) {
        if (batch.controlType === 'ABORT') fetch.abortedProducers.delete(batch.producerId);
        state.position = batch.lastOffset + 1;
        continue;
      }
      if (readCommitted && batch.isTransactional && this.isAborted(fetch, batch)) {
        state.position = batch.lastOffset + 1;
        continue;
      }
      for (const record of batch.records) {
        if (record.offset < (state.position as number)) continue;
        if (out.length >= maxRecords) return false;
        out.push({
          topic: state.tp.topic,
          partition: state.tp.partition,
          offset: record.offset,
          timestampMs: record.timestamp,
          timestampType: batch.timestampType,
          key: record.key,
          value: record.value,
          headers: record.headers,
          leaderEpoch: batch.partitionLeaderEpoch,
        });
        state.position = record.offset + 1;
      }
      // Compaction may have left a gap at the end of the batch: go past it.
      state.position = Math.max(state.position as number, batch.lastOffset + 1);
    }
    return true;
  }

  /** Kafka's read_committed filter: aborted transactions that began by this batch mark their producer aborted until its ABORT marker. */
  private isAborted(fetch: CompletedFetch, batch: DecodedBatch): boolean {
    while (fetch.abortedTransactions.length > 0 && fetch.abortedTransactions[0].firstOffset <= batch.lastOffset) {
      fetch.abortedProducers.add((fetch.abortedTransactions.shift() as AbortedTransaction).producerId);
    }
    return fetch.abortedProducers.has(batch.producerId);
  }
}
