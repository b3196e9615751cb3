import { ErrorCode } from '@tributary/errors';
import type { ProducerBatch } from './producer-batch';

/** Sequence numbers are int32 and wrap to 0, as Kafka's. */
const MAX_SEQUENCE = 2147483647;

/** How many recent batches per producer and partition a broker remembers to answer resends as duplicates. */
export const BROKER_DUPLICATE_WINDOW = 5;

/** Answers that prove the broker did not write the batch (it refused it before appending). */
const NOT_WRITTEN: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.UNKNOWN_PRODUCER_ID,
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.INVALID_RECORD,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.INVALID_TIMESTAMP,
  ErrorCode.INVALID_REQUIRED_ACKS,
  ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  ErrorCode.THROTTLING_QUOTA_EXCEEDED,
]);

export type SequenceErrorAction = 'retry' | 'fail';

/**
 * The idempotent producer's state (the non-transactional part of Kafka's
 * TransactionManager): producer id and epoch, the next sequence per
 * partition, the batches in flight, and whether the epoch must be bumped.
 *
 * Rules, per partition:
 * - A batch gets its sequence when first drained and keeps it on every resend.
 * - A resend (a batch with a sequence) goes only when nothing else of its
 *   partition is in flight, so resends go one at a time, in sequence order.
 * - The duplicate window: at most BROKER_DUPLICATE_WINDOW batches are sent
 *   from the oldest unacknowledged one on. A resent batch that was written
 *   is then still among the broker's last five and is answered as a
 *   duplicate. Kafka gets this from in-order connections and
 *   max.in.flight ≤ 5; gRPC calls are multiplexed, so it is counted here.
 * - An epoch bump (after a sequence gap) waits until nothing is in flight and
 *   every batch that may have been written is resolved in the old epoch
 *   (acknowledged or duplicate, or refused as out of order, which the window
 *   makes proof that it was not written): a batch of unknown outcome resent
 *   in a new epoch could be written twice.
 */
export class IdempotenceState {
  producerId = -1;
  producerEpoch = -1;
  /** Set after a sequence gap: the epoch is bumped (KIP-360) once the old epoch's batches are resolved. */
  epochBumpRequired = false;
  private readonly nextSequence = new Map<string, number>();
  private readonly lastAckedSequence = new Map<string, number>();
  private readonly inFlight = new Map<string, ProducerBatch[]>();
  /** Per partition: the batches sent from the oldest unfinished one on, in sequence order. */
  private readonly windows = new Map<string, ProducerBatch[]>();

  get hasProducerId(): boolean {
    return this.producerId >= 0;
  }

  get inFlightCount(): number {
    let n = 0;
    for (const batches of this.inFlight.values()) n += batches.length;
    return n;
  }

  /**
   * True when the epoch can be bumped now: nothing in flight, nothing of
   * unknown outcome left in this epoch. `queued` is in partition queue order
   * (sequence order for sequenced batches).
   */
  readyToBump(queued: readonly ProducerBatch[]): boolean {
    if (!this.epochBumpRequired) return false;
    this.settleUnwritable(queued);
    return this.inFlightCount === 0 && !queued.some((b) => b.maybeWritten && this.isCurrent(b));
  }

  /**
   * A broker writes a partition's sequences only in order, so a batch queued
   * behind one that was certainly not written was not written either.
   */
  private settleUnwritable(queued: readonly ProducerBatch[]): void {
    const refused = new Set<string>();
    for (const batch of queued) {
      if (!batch.hasSequence || !this.isCurrent(batch)) continue;
      if (refused.has(batch.key)) batch.maybeWritten = false;
      else if (!batch.maybeWritten) refused.add(batch.key);
    }
  }

  /** Applies a new id/epoch: every partition's sequence restarts at 0. */
  setProducerIdAndEpoch(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.epochBumpRequired = false;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
    this.windows.clear();
  }

  /** May the first queued batch of its partition be drained now? */
  canDrain(batch: ProducerBatch): boolean {
    if (!this.hasProducerId) return false;
    const inFlight = this.inFlight.get(batch.key)?.length ?? 0;
    if (this.epochBumpRequired) {
      // Only resolving batches of unknown outcome, in the epoch they were written with.
      return batch.maybeWritten && this.isCurrent(batch) && inFlight === 0;
    }
    if (batch.hasSequence && !this.isCurrent(batch)) {
      // Sequenced in an older epoch and known not written: it gets a fresh sequence in this one.
      batch.resetProducerState();
    }
    if (batch.hasSequence) return inFlight === 0;
    return (this.windows.get(batch.key)?.length ?? 0) < BROKER_DUPLICATE_WINDOW;
  }

  /** Gives a drained batch its sequence (first send only) and tracks it as in flight. */
  onDrained(batch: ProducerBatch): void {
    if (!batch.hasSequence) {
      const sequence = this.nextSequence.get(batch.key) ?? 0;
      batch.setProducerState(this.producerId, this.producerEpoch, sequence);
      this.nextSequence.set(batch.key, (sequence + batch.recordCount) % (MAX_SEQUENCE + 1));
      const window = this.windows.get(batch.key) ?? [];
      window.push(batch);
      this.windows.set(batch.key, window);
    }
    const list = this.inFlight.get(batch.key) ?? [];
    list.push(batch);
    list.sort((a, b) => a.baseSequence - b.baseSequence);
    this.inFlight.set(batch.key, list);
  }

  /** The batch's request is over (acknowledged, failed or to be retried). */
  onRequestDone(batch: ProducerBatch): void {
    const list = this.inFlight.get(batch.key);
    if (!list) return;
    const i = list.indexOf(batch);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.inFlight.delete(batch.key);
  }

  onAcknowledged(batch: ProducerBatch): void {
    batch.maybeWritten = false;
    if (!this.isCurrent(batch)) return;
    const last = batch.baseSequence + batch.recordCount - 1;
    this.lastAckedSequence.set(batch.key, Math.max(this.lastAckedSequence.get(batch.key) ?? -1, last));
  }

  /** A sequenced batch failed for good: its partition has a gap, so the epoch must be bumped (KIP-360). */
  onFailed(batch: ProducerBatch): void {
    if (batch.hasSequence && this.isCurrent(batch)) this.epochBumpRequired = true;
  }

  /** A finished (acknowledged or failed) batch leaves its partition's window once everything before it has. */
  onFinished(batch: ProducerBatch): void {
    const window = this.windows.get(batch.key);
    while (window && window.length > 0 && window[0].state === 'done') window.shift();
  }

  /**
   * Notes a failed attempt that will be retried: an answer that does not
   * prove the batch was refused makes its outcome unknown until resolved; an
   * OUT_OF_ORDER answer (within the window) proves it was not written.
   */
  onRetry(batch: ProducerBatch, errorCode: number): void {
    if (errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.isCurrent(batch)) batch.maybeWritten = false;
    else if (!NOT_WRITTEN.has(errorCode)) batch.maybeWritten = true;
  }

  /**
   * What to do with a sequence or producer error (Kafka ≥ 2.5): every
   * OUT_OF_ORDER_SEQUENCE_NUMBER is retried; when the batch was the next the
   * partition expected, the broker has a real gap and the epoch is bumped
   * first. UNKNOWN_PRODUCER_ID (the broker lost our state) bumps and retries.
   * INVALID_PRODUCER_EPOCH fails the batch.
   */
  classify(batch: ProducerBatch, errorCode: number): SequenceErrorAction | undefined {
    switch (errorCode) {
      case ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER: {
        const expected = (this.lastAckedSequence.get(batch.key) ?? -1) + 1;
        if (this.isCurrent(batch) && batch.baseSequence === expected && !batch.maybeWritten) this.epochBumpRequired = true;
        return 'retry';
      }
      case ErrorCode.UNKNOWN_PRODUCER_ID:
        this.epochBumpRequired = true;
        return 'retry';
      case ErrorCode.INVALID_PRODUCER_EPOCH:
        return 'fail';
      default:
        return undefined;
    }
  }

  private isCurrent(batch: ProducerBatch): boolean {
    return batch.producerId === this.producerId && batch.producerEpoch === this.producerEpoch;
  }
}
