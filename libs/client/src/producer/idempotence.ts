import { ErrorCode } from '@tributary/errors';
import type { ProducerBatch } from './producer-batch';

/** Sequence numbers are int32 and wrap to 0, as Kafka's. */
const MAX_SEQUENCE = 2147483647;

export type SequenceErrorAction = 'retry' | 'fail';

/**
 * The idempotent producer's state (the non-transactional part of Kafka's
 * TransactionManager): producer id and epoch, the next sequence per partition,
 * the batches in flight per partition, and whether the epoch must be bumped
 * (after a sequence gap) before more batches are sent.
 *
 * Ordering rule (Kafka's): a batch that already has a sequence is a retry and
 * is sent only when nothing else of its partition is in flight, so retries go
 * one at a time and in sequence order; new batches get the next sequence.
 */
export class IdempotenceState {
  producerId = -1;
  producerEpoch = -1;
  /** Set after a sequence gap: sends stop until in-flight batches are done and the epoch is bumped. */
  epochBumpRequired = false;
  private readonly nextSequence = new Map<string, number>();
  private readonly lastAckedSequence = new Map<string, number>();
  private readonly inFlight = new Map<string, ProducerBatch[]>();

  get hasProducerId(): boolean {
    return this.producerId >= 0;
  }

  /** True when the producer must (re)initialise its id before sending. */
  get needsProducerId(): boolean {
    return !this.hasProducerId || this.epochBumpRequired;
  }

  get inFlightCount(): number {
    let n = 0;
    for (const batches of this.inFlight.values()) n += batches.length;
    return n;
  }

  /** Applies a new id/epoch: every partition's sequence restarts at 0. */
  setProducerIdAndEpoch(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.epochBumpRequired = false;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
  }

  /** May the first queued batch of its partition be drained now? */
  canDrain(batch: ProducerBatch): boolean {
    if (this.needsProducerId) return false;
    if (batch.hasSequence && (batch.producerId !== this.producerId || batch.producerEpoch !== this.producerEpoch)) {
      // Sequenced under an older epoch: it gets a fresh sequence in the new one.
      batch.resetProducerState();
    }
    return !batch.hasSequence || (this.inFlight.get(batch.key)?.length ?? 0) === 0;
  }

  /** Gives a drained batch its sequence (first send only) and tracks it as in flight. */
  onDrained(batch: ProducerBatch): void {
    if (!batch.hasSequence) {
      const sequence = this.nextSequence.get(batch.key) ?? 0;
      batch.setProducerState(this.producerId, this.producerEpoch, sequence);
      this.nextSequence.set(batch.key, (sequence + batch.recordCount) % (MAX_SEQUENCE + 1));
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
    if (batch.producerEpoch !== this.producerEpoch || batch.producerId !== this.producerId) return;
    const last = batch.baseSequence + batch.recordCount - 1;
    this.lastAckedSequence.set(batch.key, Math.max(this.lastAckedSequence.get(batch.key) ?? -1, last));
  }

  /**
   * A sequenced batch failed for good: the partition now has a sequence gap,
   * so the epoch is bumped (KIP-360) before anything else is sent.
   */
  onFailed(batch: ProducerBatch): void {
    if (batch.hasSequence && batch.producerEpoch === this.producerEpoch) this.epochBumpRequired = true;
  }

  /**
   * What to do with a batch the broker answered with a sequence or producer
   * error: OUT_OF_ORDER_SEQUENCE_NUMBER is retried when an earlier batch of
   * the partition is unresolved (the broker is waiting for it), and is a real
   * gap otherwise; UNKNOWN_PRODUCER_ID (the broker lost our state) bumps the
   * epoch and retries; INVALID_PRODUCER_EPOCH fails the batch.
   */
  classify(batch: ProducerBatch, errorCode: number): SequenceErrorAction | undefined {
    switch (errorCode) {
      case ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER: {
        const expected = (this.lastAckedSequence.get(batch.key) ?? -1) + 1;
        return batch.producerEpoch === this.producerEpoch && batch.baseSequence !== expected ? 'retry' : 'fail';
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
}
