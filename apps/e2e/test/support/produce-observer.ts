import type { ClientTransport, ProduceRequest, ProduceResponse } from '@tributary/client';
import { TributaryError } from '@tributary/errors';
import { RECORDS_COUNT_OFFSET } from '@tributary/records';

type ProduceCall = ClientTransport['produce'];
type Target = Parameters<ProduceCall>[0];
type Options = Parameters<ProduceCall>[2];

const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** A produce answer kept from the producer: the broker appended these batches, the producer never hears of it. */
export interface WithheldAnswer {
  readonly batches: number;
  readonly records: number;
}

interface Withholding {
  readonly onWithheld: (answer: WithheldAnswer) => void;
  reject?: (error: Error) => void;
  /** Where the withheld batches sit in their partitions' logs. */
  placed?: readonly { readonly key: string; readonly lastOffset: number }[];
}

/**
 * Sits between a producer and its transport to force, at every crash, the
 * case idempotence exists for: a batch the broker appended whose
 * acknowledgement the producer never got, resent to the restarted broker.
 *
 * - `withholdNextAnswer` keeps the next successful produce answer from the
 *   producer (the broker has appended those batches); `failWithheld`, called
 *   after the kill, fails that call as the dropped connection would
 *   (retriable NETWORK_EXCEPTION), so the producer resends the same batches.
 *   A SIGKILL alone rarely lands in the microseconds between an append and
 *   its answer; this makes the lost acknowledgement certain at every kill.
 * - While `hold` is in force produce calls wait, so the crash loop can read
 *   the restarted broker's log end offsets before any new append. An answer
 *   from the broker after its n-th restart with a base offset below the end
 *   offset it recovered is a resend of a batch already in the log, recognised
 *   as a duplicate: counted in `dedupedBatches`/`dedupedRecords`.
 */
export class ProduceObserver {
  dedupedBatches = 0;
  dedupedRecords = 0;
  withheldBatches = 0;
  withheldRecords = 0;
  /** Withheld batches that were followed by later batches of their partition before the kill. */
  withheldBehindLatest = 0;
  private lastWithheld: readonly { readonly key: string; readonly lastOffset: number }[] = [];
  private incarnation = 0;
  private recoveredEnds = new Map<string, number>();
  private held: Promise<void> | undefined;
  private releaseHeld: (() => void) | undefined;
  private withholding: Withholding | undefined;

  /** `inner` with its produce calls observed; every other call passes through. */
  wrap(inner: ClientTransport): ClientTransport {
    const produce: ProduceCall = (target, request, options) => this.produce(inner, target, request, options);
    return new Proxy(inner, {
      get(target, property) {
        if (property === 'produce') return produce;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /**
   * Resolves once the next produce answer with no partition error has arrived
   * and been withheld. Only one at a time: the producer resends a partition's
   * batch only when nothing else of it is in flight, so waiting for a second
   * answer while the first is withheld could wait for request.timeout.ms.
   */
  withholdNextAnswer(): Promise<WithheldAnswer> {
    if (this.withholding !== undefined) throw new Error('an answer is already being withheld');
    return new Promise((onWithheld) => (this.withholding = { onWithheld }));
  }

  /** Fails the withheld produce call with a retriable NETWORK_EXCEPTION. */
  failWithheld(): void {
    const reject = this.withholding?.reject;
    if (reject === undefined) return;
    this.lastWithheld = this.withholding?.placed ?? [];
    this.withholding = undefined;
    reject(new TributaryError('NETWORK_EXCEPTION', 'connection to the broker lost (its answer was withheld and the broker killed)', { retriable: true }));
  }

  /** Makes produce calls made from now on wait until `release`. */
  hold(): void {
    if (this.held !== undefined) return;
    this.held = new Promise<void>((resolve) => (this.releaseHeld = resolve));
  }

  /**
   * Lets held produce calls go to the restarted broker, whose partitions
   * recovered to these log end offsets; or, with no ends (a failed restart),
   * just lets them go.
   */
  release(recoveredEnds?: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[]): void {
    if (recoveredEnds !== undefined) {
      this.incarnation++;
      this.recoveredEnds = new Map(recoveredEnds.map((e) => [partitionKey(e.topic, e.partition), e.offset]));
      // Batches appended after the withheld one: its resend is then not the producer's latest, which only the
      // broker's window of recent batches per producer (Kafka keeps five) can still recognise.
      for (const { key, lastOffset } of this.lastWithheld) if ((this.recoveredEnds.get(key) ?? 0) > lastOffset + 1) this.withheldBehindLatest++;
      this.lastWithheld = [];
    }
    const release = this.releaseHeld;
    this.held = undefined;
    this.releaseHeld = undefined;
    release?.();
  }

  private async produce(inner: ClientTransport, target: Target, request: ProduceRequest, options: Options): Promise<ProduceResponse> {
    while (this.held !== undefined) await this.held;
    const incarnation = this.incarnation;
    const ends = this.recoveredEnds;
    const response = await inner.produce(target, request, options);
    const answers = response.topics.flatMap((topic) => topic.partitions.map((answer) => ({ topic: topic.name, answer })));
    if (incarnation > 0) {
      for (const { topic, answer } of answers) {
        const end = ends.get(partitionKey(topic, answer.partition));
        if (answer.errorCode !== 0 || end === undefined || answer.baseOffset >= end) continue;
        this.dedupedBatches++;
        this.dedupedRecords += recordCount(request, topic, answer.partition);
      }
    }
    const withholding = this.withholding;
    if (withholding === undefined || withholding.reject !== undefined || answers.length === 0 || answers.some(({ answer }) => answer.errorCode !== 0)) return response;
    const counts = answers.map(({ topic, answer }) => recordCount(request, topic, answer.partition));
    const records = counts.reduce((sum, n) => sum + n, 0);
    this.withheldBatches += answers.length;
    this.withheldRecords += records;
    withholding.placed = answers.map(({ topic, answer }, i) => ({ key: partitionKey(topic, answer.partition), lastOffset: answer.baseOffset + counts[i] - 1 }));
    return new Promise<ProduceResponse>((_, reject) => {
      withholding.reject = reject;
      withholding.onWithheld({ batches: answers.length, records });
    });
  }
}

function recordCount(request: ProduceRequest, topic: string, partition: number): number {
  const records = request.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partition === partition)?.records;
  if (records === undefined || records.byteLength <= RECORDS_COUNT_OFFSET + 4) return 0;
  return Buffer.from(records.buffer, records.byteOffset, records.byteLength).readInt32BE(RECORDS_COUNT_OFFSET);
}
