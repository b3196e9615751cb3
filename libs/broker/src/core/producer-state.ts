import { ErrorCodeName } from '@tributary/errors';

/** Kafka keeps the last five batches per producer so retries of any in-flight request are recognised. */
export const NUM_BATCHES_TO_RETAIN = 5;
const MAX_SEQUENCE = 0x7fffffff;

/** Where one appended batch of an idempotent producer landed. */
export interface ProducerBatch {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly maxTimestampMs: number;
}

/** What the partition remembers of one producer id. */
export interface ProducerEntry {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Oldest first; at most NUM_BATCHES_TO_RETAIN. */
  readonly batches: readonly ProducerBatch[];
  readonly lastTimestampMs: number;
}

/** The producer fields of an incoming batch header. */
export interface IncomingBatch {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

/** What `ProducerStateTable.check` decided for an incoming batch. */
export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: ProducerBatch }
  | { readonly kind: 'reject'; readonly code: ErrorCodeName; readonly message: string };

/** The sequence of the last record of a batch, wrapping at Int32 max as Kafka's producers do. */
export function lastSequenceOf(baseSequence: number, recordCount: number): number {
  return (baseSequence + recordCount - 1) % (MAX_SEQUENCE + 1);
}

function nextSequence(sequence: number): number {
  return sequence === MAX_SEQUENCE ? 0 : sequence + 1;
}

/**
 * Per-partition idempotent-producer state (Kafka's ProducerStateManager):
 * detects duplicate batches from producer retries, rejects sequence gaps and
 * fenced epochs. Pure: the log layer feeds it appended batches and persists
 * its snapshots.
 */
export class ProducerStateTable {
  private readonly entries = new Map<number, ProducerEntry>();

  get size(): number {
    return this.entries.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  all(): IterableIterator<ProducerEntry> {
    return this.entries.values();
  }

  /** Decides what to do with a batch from a client before it is appended (leader path). */
  check(batch: IncomingBatch): SequenceCheck {
    const entry = this.entries.get(batch.producerId);
    if (!entry) {
      // Stricter than Kafka, which accepts any first sequence and relies on a connection delivering a producer's
      // requests in order. gRPC multiplexes calls, so a producer's second batch can overtake its first: accepting
      // it would put it ahead of the first in the log, and the first would never be in sequence again. A producer
      // whose state is gone (expired) gets OUT_OF_ORDER here and restarts at 0 in a new epoch (KIP-360).
      return batch.baseSequence === 0
        ? { kind: 'append' }
        : reject('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${batch.producerId} has no state on this partition: its first batch must start at sequence 0, got ${batch.baseSequence}`);
    }
    if (batch.producerEpoch < entry.producerEpoch) {
      return reject('INVALID_PRODUCER_EPOCH', `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than current epoch ${entry.producerEpoch}`);
    }
    const lastSequence = lastSequenceOf(batch.baseSequence, batch.recordCount);
    const duplicate = entry.batches.find((b) => b.baseSequence === batch.baseSequence && b.lastSequence === lastSequence);
    if (duplicate && batch.producerEpoch === entry.producerEpoch) return { kind: 'duplicate', batch: duplicate };
    if (batch.producerEpoch > entry.producerEpoch) {
      return batch.baseSequence === 0
        ? { kind: 'append' }
        : reject('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${batch.producerId} new epoch ${batch.producerEpoch} must start at sequence 0, got ${batch.baseSequence}`);
    }
    const last = entry.batches[entry.batches.length - 1];
    if (last === undefined) return { kind: 'append' };
    if (batch.baseSequence !== nextSequence(last.lastSequence)) {
      return reject(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `producer ${batch.producerId} expected sequence ${nextSequence(last.lastSequence)}, got ${batch.baseSequence}`,
      );
    }
    return { kind: 'append' };
  }

  /** Records a batch that is now in the log (leader after `check`, follower and recovery unconditionally). */
  update(producerId: number, producerEpoch: number, batch: ProducerBatch): void {
    const previous = this.entries.get(producerId);
    const keep = previous && previous.producerEpoch === producerEpoch ? previous.batches : [];
    const batches = [...keep, batch].slice(-NUM_BATCHES_TO_RETAIN);
    this.entries.set(producerId, { producerId, producerEpoch, batches, lastTimestampMs: batch.maxTimestampMs });
  }

  /** Forgets producers idle for longer than `producer.id.expiration.ms`. */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.entries) {
      if (nowMs - entry.lastTimestampMs >= expirationMs) {
        this.entries.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Drops every batch at or above `offset` (log truncation); producers left with no batch are forgotten. */
  truncateTo(offset: number): void {
    for (const [id, entry] of this.entries) {
      const batches = entry.batches.filter((b) => b.lastOffset < offset);
      if (batches.length === 0) this.entries.delete(id);
      else if (batches.length !== entry.batches.length) this.entries.set(id, { ...entry, batches });
    }
  }

  /** Replaces the table's content, e.g. with a loaded snapshot. */
  load(entries: Iterable<ProducerEntry>): void {
    this.entries.clear();
    for (const entry of entries) this.entries.set(entry.producerId, entry);
  }
}

function reject(code: ErrorCodeName, message: string): SequenceCheck {
  return { kind: 'reject', code, message };
}
