import type { TributaryError } from '@tributary/errors';
import { topicPartitionKey, type TopicPartition } from '@tributary/util';
import type { EncodableRecord } from '../common/batch-codec';
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from '../common/record-size';

/** What the producer learns when a record's batch completes. */
export interface RecordOutcome {
  readonly baseOffset: number;
  readonly logAppendTimeMs: number;
}

/** One record's completion callbacks, in the batch's order. */
export interface RecordThunk {
  readonly record: EncodableRecord;
  onComplete(offset: number, logAppendTimeMs: number): void;
  onError(error: TributaryError): void;
}

export type BatchState = 'open' | 'closed' | 'in-flight' | 'done';

/**
 * Records for one partition that are sent together. Open until drained; after
 * that it is only resent (same records, same sequence with idempotence).
 */
export class ProducerBatch {
  readonly key: string;
  readonly thunks: RecordThunk[] = [];
  private sizeBytes = RECORD_BATCH_OVERHEAD_BYTES;
  state: BatchState = 'open';
  /** How many times it was sent. */
  attempts = 0;
  /** When it was last sent or put back (monotonic ms). */
  lastAttemptMs: number;
  /** When a retry may be sent (monotonic ms). */
  retryAtMs = 0;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** A failed attempt may have been written (ack lost, timeout): resend only in the same epoch until resolved. */
  maybeWritten = false;
  /** The encoded bytes, kept across retries while the producer state is unchanged. */
  encoded: Uint8Array | undefined;

  constructor(
    readonly tp: TopicPartition,
    readonly createdMs: number,
    /** Bytes reserved in the buffer pool. */
    readonly reservedBytes: number,
    private readonly batchSizeBytes: number,
  ) {
    this.key = topicPartitionKey(tp);
    this.lastAttemptMs = createdMs;
  }

  get recordCount(): number {
    return this.thunks.length;
  }

  get estimatedSizeBytes(): number {
    return this.sizeBytes;
  }

  get isFull(): boolean {
    return this.state !== 'open' || this.sizeBytes >= this.batchSizeBytes;
  }

  get hasSequence(): boolean {
    return this.baseSequence >= 0;
  }

  /** Size `record` would add (its first record's timestamp is the batch base). */
  sizeOf(record: EncodableRecord): number {
    const base = this.thunks[0]?.record.timestamp ?? record.timestamp;
    return recordSizeInBytes(record, this.thunks.length, record.timestamp - base);
  }

  /** Appends when the batch is open and the record fits (an empty batch takes any record). */
  tryAppend(thunk: RecordThunk): number | undefined {
    if (this.state !== 'open') return undefined;
    const bytes = this.sizeOf(thunk.record);
    if (this.thunks.length > 0 && this.sizeBytes + bytes > this.batchSizeBytes) return undefined;
    this.thunks.push(thunk);
    this.sizeBytes += bytes;
    return bytes;
  }

  /** Sets the idempotent producer state (once per epoch); a change drops the cached encoding. */
  setProducerState(producerId: number, producerEpoch: number, baseSequence: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.encoded = undefined;
  }

  resetProducerState(): void {
    this.setProducerState(-1, -1, -1);
  }

  /** Completes every record; offsets follow the base offset (-1 stays -1 for acks=0). */
  complete(outcome: RecordOutcome): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.thunks.forEach((thunk, i) => thunk.onComplete(outcome.baseOffset < 0 ? -1 : outcome.baseOffset + i, outcome.logAppendTimeMs));
  }

  fail(error: TributaryError): void {
    if (this.state === 'done') return;
    this.state = 'done';
    for (const thunk of this.thunks) thunk.onError(error);
  }
}
