import type { Span } from '@opentelemetry/api';
import type { TributaryError } from '@tributary/errors';
import type { EncodableRecord } from '../common/batch-codec';
import type { RecordMetadata, SpiProducerRecord } from '../common/plugins';
import type { RecordThunk } from './producer-batch';

/** What the producer does when one of its sends settles (before the send's promise settles). */
export interface SendOutcomeHandler {
  acknowledged(send: PendingSend, metadata: RecordMetadata): void;
  failed(send: PendingSend, error: TributaryError): void;
}

/** Placeholder until the send enters the accumulator (a thunk's record is read only after that). */
const NOT_APPENDED: EncodableRecord = { key: null, value: null, headers: [], timestamp: -1 };

/**
 * One `send`, from the call to its acknowledgement or failure, as a single
 * object: the entry of the producer's append queue, the record thunk its batch
 * holds, and the resolvers of the promise `send` returned. A producer holds up
 * to buffer.memory of these at once, so they carry no per-record closures
 * (each closure keeps a context alive until the record is acknowledged).
 * Settles at most once: later completions or failures are ignored.
 */
export class PendingSend implements RecordThunk {
  /** The record as encoded into its batch; set when the send enters the accumulator. */
  record: EncodableRecord = NOT_APPENDED;
  /** The record after serializers and onSend interceptors; unset while interceptors run. */
  spiRecord: SpiProducerRecord | undefined;
  /** Serialized bytes counted against the waiting-sends bound. */
  bytes = 0;
  /** The partition the record was appended to. */
  partition = -1;
  /** The metadata version this send last asked to refresh (one request per version). */
  metadataVersionAsked: number | undefined;
  readonly promise: Promise<RecordMetadata>;
  private resolve!: (metadata: RecordMetadata) => void;
  private reject!: (error: TributaryError) => void;
  private settled = false;

  constructor(
    readonly span: Span,
    /** When waiting for metadata or memory gives up (monotonic ms, max.block.ms after the call). */
    readonly deadlineMs: number,
    /** The send's number in call order, for flush. */
    readonly sendNumber: number,
    private readonly handler: SendOutcomeHandler,
  ) {
    this.promise = new Promise<RecordMetadata>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onComplete(offset: number, logAppendTimeMs: number): void {
    if (this.settled) return;
    this.settled = true;
    const spi = this.spiRecord as SpiProducerRecord;
    const metadata: RecordMetadata = {
      topic: spi.topic,
      partition: this.partition,
      offset,
      timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : (spi.timestampMs as number),
      serializedKeySize: spi.key?.length ?? -1,
      serializedValueSize: spi.value?.length ?? -1,
    };
    this.handler.acknowledged(this, metadata);
    this.resolve(metadata);
  }

  onError(error: TributaryError): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.failed(this, error);
    this.reject(error);
  }
}
