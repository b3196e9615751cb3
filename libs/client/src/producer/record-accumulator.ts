import type { TributaryError } from '@tributary/errors';
import { topicPartitionKey, type TopicPartition } from '@tributary/util';
import type { ClusterView } from '../common/cluster-view';
import { RECORD_BATCH_OVERHEAD_BYTES } from '../common/record-size';
import type { NodeTarget } from '../transport/transport';
import type { BufferPool } from './buffer-pool';
import { ProducerBatch, type RecordThunk } from './producer-batch';

export interface AccumulatorConfig {
  readonly batchSizeBytes: number;
  readonly lingerMs: number;
  readonly deliveryTimeoutMs: number;
}

export type AppendResult =
  | { readonly status: 'appended'; readonly batch: ProducerBatch; readonly newBatch: boolean; readonly bytes: number; readonly batchIsFull: boolean }
  | { readonly status: 'no-memory'; readonly bytesNeeded: number };

export interface ReadyCheck {
  /** Leaders with at least one sendable batch. */
  readonly readyNodes: Map<number, NodeTarget>;
  /** When to look again for batches that are lingering or backing off (ms, Infinity for never). */
  readonly nextReadyCheckDelayMs: number;
  /** Topics with batches but no known leader: metadata must be refreshed. */
  readonly unknownLeaderTopics: Set<string>;
}

/** Decides per partition whether its first batch may be drained now (idempotence ordering, muting). */
export type DrainGate = (batch: ProducerBatch) => boolean;

/**
 * Per-partition queues of batches (Kafka's RecordAccumulator): appends go to
 * the last open batch of a partition; a batch becomes sendable when full, when
 * it has lingered linger.ms, when memory is exhausted, or during flush/close;
 * `drain` takes at most one batch per partition per node and request, up to
 * max.request.size.
 */
export class RecordAccumulator {
  private readonly deques = new Map<string, ProducerBatch[]>();
  /** The same deques by topic, then partition: the per-record lookup builds no key string. */
  private readonly dequesByTopic = new Map<string, ProducerBatch[][]>();
  private readonly incomplete = new Set<ProducerBatch>();
  private readonly drainIndex = new Map<number, number>();
  private flushesInProgress = 0;
  private closing = false;

  constructor(
    private readonly config: AccumulatorConfig,
    private readonly pool: BufferPool,
  ) {}

  /** Appends to the partition's open batch or a new one; `no-memory` when buffer.memory is used up. */
  append(tp: TopicPartition, thunk: RecordThunk, nowMs: number): AppendResult {
    const deque = this.dequeFor(tp);
    const last = deque.at(-1);
    const appendedBytes = last?.tryAppend(thunk);
    if (last && appendedBytes !== undefined) {
      return { status: 'appended', batch: last, newBatch: false, bytes: appendedBytes, batchIsFull: deque.length > 1 || last.isFull };
    }
    const probe = new ProducerBatch(tp, nowMs, 0, this.config.batchSizeBytes);
    const reserve = Math.max(this.config.batchSizeBytes, RECORD_BATCH_OVERHEAD_BYTES + probe.sizeOf(thunk.record));
    if (!this.pool.tryAllocate(reserve)) return { status: 'no-memory', bytesNeeded: reserve };
    const batch = new ProducerBatch(tp, nowMs, reserve, this.config.batchSizeBytes);
    const bytes = batch.tryAppend(thunk) ?? 0;
    deque.push(batch);
    this.incomplete.add(batch);
    return { status: 'appended', batch, newBatch: true, bytes, batchIsFull: deque.length > 1 || batch.isFull };
  }

  /** True when `record` would not fit the partition's open batch (a custom partitioner's onNewBatch moment). */
  wouldStartNewBatch(tp: TopicPartition, thunk: RecordThunk): boolean {
    const last = this.dequesByTopic.get(tp.topic)?.[tp.partition]?.at(-1);
    return !last || last.state !== 'open' || (last.recordCount > 0 && last.estimatedSizeBytes + last.sizeOf(thunk.record) > this.config.batchSizeBytes);
  }

  /** Which leaders have sendable batches (Kafka's `ready`). */
  ready(cluster: ClusterView, nowMs: number, isMuted: (key: string) => boolean): ReadyCheck {
    const readyNodes = new Map<number, NodeTarget>();
    const unknownLeaderTopics = new Set<string>();
    let nextReadyCheckDelayMs = Number.POSITIVE_INFINITY;
    const forceSend = this.pool.exhausted || this.closing || this.flushesInProgress > 0;
    for (const [key, deque] of this.deques) {
      const first = deque[0];
      if (!first) continue;
      const leader = cluster.leaderFor(first.tp);
      if (!leader) {
        unknownLeaderTopics.add(first.tp.topic);
        continue;
      }
      if (isMuted(key)) continue;
      // Every partition's deadline counts, even on a node already ready: the
      // drain may hold that node's ready partition back (idempotence rules).
      if (first.attempts > 0 && first.retryAtMs > nowMs) {
        nextReadyCheckDelayMs = Math.min(nextReadyCheckDelayMs, first.retryAtMs - nowMs);
        continue;
      }
      const waitedMs = nowMs - first.lastAttemptMs;
      const lingerDone = first.attempts > 0 || waitedMs >= this.config.lingerMs;
      if (deque.length > 1 || first.isFull || lingerDone || forceSend) {
        readyNodes.set(leader.nodeId, leader);
      } else {
        nextReadyCheckDelayMs = Math.min(nextReadyCheckDelayMs, this.config.lingerMs - waitedMs);
      }
    }
    return { readyNodes, nextReadyCheckDelayMs, unknownLeaderTopics };
  }

  /**
   * Takes, per ready node, the first batch of each partition it leads (rotating
   * the starting partition between calls for fairness) while the request stays
   * within `maxRequestBytes` (a single larger batch still goes alone). Taken
   * batches are closed; `gate` may hold a partition back.
   */
  drain(cluster: ClusterView, nodes: Iterable<number>, maxRequestBytes: number, nowMs: number, gate: DrainGate): Map<number, ProducerBatch[]> {
    const drained = new Map<number, ProducerBatch[]>();
    for (const nodeId of nodes) {
      const deques = [...this.deques.values()].filter((d) => d.length > 0 && cluster.leaderFor(d[0].tp)?.nodeId === nodeId);
      const batches: ProducerBatch[] = [];
      let sizeBytes = 0;
      const start = (this.drainIndex.get(nodeId) ?? 0) % Math.max(1, deques.length);
      for (let i = 0; i < deques.length; i++) {
        const deque = deques[(start + i) % deques.length];
        const first = deque[0];
        if (first.attempts > 0 && first.retryAtMs > nowMs) continue;
        if (batches.length > 0 && sizeBytes + first.estimatedSizeBytes > maxRequestBytes) break;
        if (!gate(first)) continue;
        deque.shift();
        first.state = 'closed';
        sizeBytes += first.estimatedSizeBytes;
        batches.push(first);
      }
      this.drainIndex.set(nodeId, start + 1);
      if (batches.length > 0) drained.set(nodeId, batches);
    }
    return drained;
  }

  /** Removes and returns queued batches older than delivery.timeout.ms. */
  expiredBatches(nowMs: number): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const deque of this.deques.values()) {
      for (let i = 0; i < deque.length; ) {
        if (nowMs - deque[i].createdMs >= this.config.deliveryTimeoutMs) expired.push(...deque.splice(i, 1));
        else i++;
      }
    }
    return expired;
  }

  /** ms until the oldest queued batch expires (Infinity when none is queued). */
  nextExpiryDelayMs(nowMs: number): number {
    let delay = Number.POSITIVE_INFINITY;
    for (const deque of this.deques.values()) {
      for (const batch of deque) delay = Math.min(delay, batch.createdMs + this.config.deliveryTimeoutMs - nowMs);
    }
    return Math.max(0, delay);
  }

  /** Puts a batch back for a retry: at the front, or in sequence order among other retries. */
  reenqueue(batch: ProducerBatch): void {
    batch.state = 'closed';
    const deque = this.dequeFor(batch.tp);
    let at = 0;
    if (batch.hasSequence) {
      while (at < deque.length && deque[at].hasSequence && deque[at].baseSequence < batch.baseSequence) at++;
    }
    deque.splice(at, 0, batch);
  }

  /** Releases a completed batch's memory. */
  deallocate(batch: ProducerBatch): void {
    if (this.incomplete.delete(batch)) this.pool.deallocate(batch.reservedBytes);
  }

  /** Every queued (not in-flight) batch, in partition then queue order. */
  queuedBatches(): ProducerBatch[] {
    return [...this.deques.values()].flat();
  }

  hasQueued(): boolean {
    for (const deque of this.deques.values()) if (deque.length > 0) return true;
    return false;
  }

  get incompleteCount(): number {
    return this.incomplete.size;
  }

  beginFlush(): void {
    this.flushesInProgress++;
  }

  endFlush(): void {
    this.flushesInProgress--;
  }

  /** From now on every batch is sendable at once (close drains without lingering). */
  beginClose(): void {
    this.closing = true;
  }

  /** Fails every queued batch (forced close); in-flight ones complete or fail on their own. */
  abortQueued(error: TributaryError): ProducerBatch[] {
    const aborted = this.queuedBatches();
    for (const deque of this.deques.values()) deque.length = 0;
    for (const batch of aborted) {
      batch.fail(error);
      this.deallocate(batch);
    }
    return aborted;
  }

  private dequeFor(tp: TopicPartition): ProducerBatch[] {
    let byPartition = this.dequesByTopic.get(tp.topic);
    if (!byPartition) {
      byPartition = [];
      this.dequesByTopic.set(tp.topic, byPartition);
    }
    let deque = byPartition[tp.partition];
    if (!deque) {
      deque = [];
      byPartition[tp.partition] = deque;
      this.deques.set(topicPartitionKey(tp), deque);
    }
    return deque;
  }
}
