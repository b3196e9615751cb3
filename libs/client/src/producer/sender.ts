import { ErrorCode, TributaryError, toTributaryError } from '@tributary/errors';
import type { Cancellable, Prng, Scheduler } from '@tributary/util';
import { backoffMs } from '../common/backoff';
import type { RecordBatchCodec } from '../common/batch-codec';
import { withTimeout } from '../common/deadline';
import type { MetadataManager } from '../common/metadata-manager';
import type { ClientTransport, NodeTarget, ProducePartitionResponse, ProduceRequest } from '../transport/transport';
import type { IdempotenceState } from './idempotence';
import type { ProducerBatch } from './producer-batch';
import type { ProducerConfig } from './producer-config';
import type { RecordAccumulator } from './record-accumulator';

/** Errors after which the client's metadata is stale (Kafka's InvalidMetadataException family). */
const INVALID_METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

/** transaction.timeout.ms sent with InitProducerId (Kafka's default; unused by idempotent producers). */
const TRANSACTION_TIMEOUT_MS = 60000;

export interface SenderOptions {
  readonly config: ProducerConfig;
  readonly accumulator: RecordAccumulator;
  readonly metadata: MetadataManager;
  readonly transport: ClientTransport;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly codec: RecordBatchCodec;
  readonly bootstrap: readonly NodeTarget[];
  /** Present with enable.idempotence. */
  readonly idempotence: IdempotenceState | undefined;
}

/**
 * Kafka's Sender as an event-driven loop on the Scheduler: `runOnce` expires
 * old batches, makes sure an idempotent producer has its id, drains ready
 * batches per leader into Produce requests (bounded by
 * max.in.flight.requests.per.connection and max.request.size), and handles
 * responses: success, retry with exponential backoff and jitter (bounded by
 * retries and delivery.timeout.ms), or failure. It runs again when woken (new
 * full batch, response, metadata update) or when the next batch lingers out,
 * backs off or expires.
 */
export class Sender {
  private timer: Cancellable | undefined;
  private timerDueMs = Number.POSITIVE_INFINITY;
  /** A zero-delay run is queued as a microtask. */
  private runQueued = false;
  private readonly inFlightByNode = new Map<number, number>();
  private readonly inFlightBatches = new Set<ProducerBatch>();
  /** Partitions with a batch in flight, for producers without idempotence (one request per partition at a time). */
  private readonly muted = new Set<string>();
  private readonly guaranteeOrder: boolean;
  private initInFlight = false;
  private initFailures = 0;
  private initRetryAtMs = 0;
  private nextInitNode = 0;
  private stopped = false;
  private fatal: TributaryError | undefined;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SenderOptions) {
    const { idempotence } = options;
    // gRPC multiplexes calls on a connection, so two requests in flight may be appended in either order (HTTP/2
    // interleaves their frames; a small request overtakes a large one): measured, ~1 in 3 batches of a pipelined
    // partition landed out of order. Kafka's ordered connections keep a partition's order without retries; here
    // only sequence numbers can (the broker refuses a sequence out of order and the client resends it), so
    // without idempotence a partition has at most one request in flight. Other partitions still pipeline, up to
    // max.in.flight.requests.per.connection per connection.
    this.guaranteeOrder = !idempotence;
  }

  /** Set when the producer can no longer send (e.g. its producer id was refused). */
  get fatalError(): TributaryError | undefined {
    return this.fatal;
  }

  get inFlightRequestCount(): number {
    let n = 0;
    for (const count of this.inFlightByNode.values()) n += count;
    return n;
  }

  /**
   * Runs the loop after `delayMs` unless it is already due sooner. A zero
   * delay runs it when the current job ends (a microtask), not on a timer:
   * Node clamps setTimeout(0) to 1 ms, as long as a whole produce round trip
   * on loopback, and sends made in one synchronous run still share a batch.
   */
  wakeup(delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      if (!this.runQueued) {
        this.runQueued = true;
        queueMicrotask(() => {
          this.runQueued = false;
          this.runOnce();
        });
      }
      return;
    }
    const now = this.options.scheduler.monotonicMs();
    const due = now + Math.max(0, delayMs);
    if (this.timer && this.timerDueMs <= due) return;
    this.timer?.cancel();
    this.timerDueMs = due;
    this.timer = this.options.scheduler.schedule(due - now, () => {
      this.timer = undefined;
      this.timerDueMs = Number.POSITIVE_INFINITY;
      this.runOnce();
    });
  }

  /** Fails every queued and in-flight batch with `error` and stops the loop (forced close). */
  forceClose(error: TributaryError): void {
    this.options.accumulator.abortQueued(error);
    for (const batch of [...this.inFlightBatches]) this.failBatch(batch, error);
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private runOnce(): void {
    if (this.stopped) return;
    const { accumulator, scheduler, idempotence } = this.options;
    const now = scheduler.monotonicMs();
    this.expireBatches(now);
    if (this.fatal) {
      accumulator.abortQueued(this.fatal);
      return;
    }
    let nextDelayMs = accumulator.nextExpiryDelayMs(now);
    if (idempotence && !idempotence.hasProducerId) {
      if (idempotence.inFlightCount === 0) this.initProducerId(now);
    } else if (idempotence?.readyToBump(accumulator.queuedBatches())) {
      this.initProducerId(now);
    } else {
      nextDelayMs = Math.min(nextDelayMs, this.drainAll(now));
    }
    if (Number.isFinite(nextDelayMs)) this.wakeup(nextDelayMs);
  }

  /**
   * Drains ready batches into Produce requests until every ready node's
   * in-flight slots are full or nothing more is sendable. A request takes one
   * batch per partition, so one pass may leave full batches queued; looping
   * here (Kafka's sender polls again with timeout 0 while it has sendable
   * data) fills the remaining slots now instead of a timer tick (≥ 1 ms) or an
   * answer later. Each pass drains at least one batch or stops, so it ends.
   * Returns when to look again for lingering or backing-off batches.
   */
  private drainAll(now: number): number {
    const { accumulator, metadata, config } = this.options;
    const maxInFlight = config['max.in.flight.requests.per.connection'];
    for (;;) {
      const ready = accumulator.ready(metadata.cluster, now, (key) => this.muted.has(key));
      if (ready.unknownLeaderTopics.size > 0) {
        metadata.addTopics(ready.unknownLeaderTopics);
        metadata.requestUpdate();
      }
      const sendable = [...ready.readyNodes.keys()].filter((id) => (this.inFlightByNode.get(id) ?? 0) < maxInFlight);
      const drained = sendable.length === 0 ? new Map<number, ProducerBatch[]>() : accumulator.drain(metadata.cluster, sendable, config['max.request.size'], now, (batch) => this.mayDrain(batch));
      for (const [nodeId, batches] of drained) this.sendProduceRequest(ready.readyNodes.get(nodeId) as NodeTarget, batches, now);
      if (drained.size === 0) return ready.nextReadyCheckDelayMs;
    }
  }

  private mayDrain(batch: ProducerBatch): boolean {
    if (this.muted.has(batch.key)) return false;
    const { idempotence } = this.options;
    if (!idempotence) return true;
    if (!idempotence.canDrain(batch)) return false;
    idempotence.onDrained(batch);
    return true;
  }

  private expireBatches(now: number): void {
    const { accumulator, config } = this.options;
    const deliveryTimeoutMs = config['delivery.timeout.ms'];
    const expiredInFlight = [...this.inFlightBatches].filter((b) => now - b.createdMs >= deliveryTimeoutMs);
    for (const batch of [...accumulator.expiredBatches(now), ...expiredInFlight]) {
      const message = `Expiring ${batch.recordCount} record(s) for ${batch.key}:${now - batch.createdMs} ms has passed since batch creation`;
      this.failBatch(batch, new TributaryError('REQUEST_TIMED_OUT', message));
    }
  }

  private sendProduceRequest(target: NodeTarget, batches: ProducerBatch[], now: number): void {
    const { config, transport, scheduler, codec } = this.options;
    const byTopic = new Map<string, { partition: number; records: Uint8Array }[]>();
    const sent: ProducerBatch[] = [];
    for (const batch of batches) {
      try {
        batch.encoded ??= codec.encode({
          producerId: batch.producerId,
          producerEpoch: batch.producerEpoch,
          baseSequence: batch.baseSequence,
          compression: config['compression.type'],
          isTransactional: false,
          records: batch.thunks.map((t) => t.record),
        });
      } catch (error) {
        this.options.idempotence?.onRequestDone(batch);
        this.failBatch(batch, toTributaryError(error, 'INVALID_RECORD'));
        continue;
      }
      batch.state = 'in-flight';
      batch.attempts++;
      batch.lastAttemptMs = now;
      this.inFlightBatches.add(batch);
      if (this.guaranteeOrder) this.muted.add(batch.key);
      const list = byTopic.get(batch.tp.topic) ?? [];
      list.push({ partition: batch.tp.partition, records: batch.encoded });
      byTopic.set(batch.tp.topic, list);
      sent.push(batch);
    }
    if (sent.length === 0) return;
    const timeoutMs = config['request.timeout.ms'];
    const request: ProduceRequest = {
      transactionalId: null,
      acks: config.acks,
      timeoutMs,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    };
    this.inFlightByNode.set(target.nodeId, (this.inFlightByNode.get(target.nodeId) ?? 0) + 1);
    const response = withTimeout(transport.produce(target, request, { timeoutMs }), scheduler, timeoutMs, `Produce request to node ${target.nodeId}`);
    if (config.acks === 0) {
      // Nobody waits for acks=0: the records count as sent once the request is out.
      response.catch(() => undefined);
      this.requestDone(target.nodeId);
      for (const batch of sent) this.completeBatch(batch, -1, -1);
      return;
    }
    response.then(
      (res) => {
        this.requestDone(target.nodeId);
        const partitions = new Map<string, ProducePartitionResponse>();
        for (const topic of res.topics) for (const p of topic.partitions) partitions.set(`${topic.name}-${p.partition}`, p);
        for (const batch of sent) {
          const result = partitions.get(batch.key);
          if (result) this.handleResult(batch, result.errorCode, result.errorMessage ?? undefined, result);
          else this.handleResult(batch, ErrorCode.UNKNOWN_SERVER_ERROR, `no response for partition ${batch.key}`);
        }
        this.afterResponse();
      },
      (error: unknown) => {
        this.requestDone(target.nodeId);
        const failure = toTributaryError(error, 'NETWORK_EXCEPTION');
        for (const batch of sent) this.handleResult(batch, failure.code, failure.message, undefined, failure.retriable);
        this.afterResponse();
      },
    );
  }

  private requestDone(nodeId: number): void {
    this.inFlightByNode.set(nodeId, (this.inFlightByNode.get(nodeId) ?? 1) - 1);
  }

  private afterResponse(): void {
    this.wakeup();
    this.notifyIdle();
  }

  private handleResult(batch: ProducerBatch, errorCode: number, message: string | undefined, result?: ProducePartitionResponse, retriable?: boolean): void {
    const { idempotence, metadata, config, scheduler, prng, accumulator } = this.options;
    this.inFlightBatches.delete(batch);
    this.muted.delete(batch.key);
    idempotence?.onRequestDone(batch);
    if (batch.state === 'done') return; // expired while in flight
    if (errorCode === ErrorCode.NONE || errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      // A duplicate means an earlier attempt was written: the record is safely there.
      idempotence?.onAcknowledged(batch);
      this.completeBatch(batch, result?.baseOffset ?? -1, result?.logAppendTimeMs ?? -1);
      return;
    }
    const error = new TributaryError(errorCode, message, retriable === undefined ? {} : { retriable });
    idempotence?.onRetry(batch, errorCode);
    const action = idempotence?.classify(batch, errorCode);
    const now = scheduler.monotonicMs();
    const canRetry =
      (action ? action === 'retry' : error.retriable) && batch.attempts <= config.retries && now - batch.createdMs < config['delivery.timeout.ms'];
    if (!canRetry) {
      this.failBatch(batch, error);
      return;
    }
    if (INVALID_METADATA_ERRORS.has(errorCode) || errorCode === ErrorCode.REQUEST_TIMED_OUT) metadata.requestUpdate();
    batch.retryAtMs = now + backoffMs(batch.attempts - 1, config['retry.backoff.ms'], config['retry.backoff.max.ms'], prng);
    batch.lastAttemptMs = now;
    accumulator.reenqueue(batch);
  }

  private completeBatch(batch: ProducerBatch, baseOffset: number, logAppendTimeMs: number): void {
    this.inFlightBatches.delete(batch);
    batch.complete({ baseOffset, logAppendTimeMs });
    this.options.idempotence?.onFinished(batch);
    this.options.accumulator.deallocate(batch);
  }

  private failBatch(batch: ProducerBatch, error: TributaryError): void {
    this.inFlightBatches.delete(batch);
    this.options.idempotence?.onFailed(batch);
    batch.fail(error);
    this.options.idempotence?.onFinished(batch);
    this.options.accumulator.deallocate(batch);
  }

  /** Gets a producer id, or bumps the epoch after a sequence gap (KIP-360); one request at a time. */
  private initProducerId(now: number): void {
    const idempotence = this.options.idempotence;
    if (!idempotence || this.initInFlight) return;
    if (now < this.initRetryAtMs) {
      this.wakeup(this.initRetryAtMs - now);
      return;
    }
    const { transport, scheduler, config, metadata, bootstrap, prng } = this.options;
    const bump = idempotence.hasProducerId;
    this.initInFlight = true;
    const nodes = metadata.cluster.nodes();
    const candidates: readonly NodeTarget[] = nodes.length > 0 ? nodes : bootstrap;
    const target = candidates[this.nextInitNode++ % candidates.length];
    const timeoutMs = config['request.timeout.ms'];
    const request = {
      transactionalId: null,
      transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
      producerId: bump ? idempotence.producerId : -1,
      producerEpoch: bump ? idempotence.producerEpoch : -1,
    };
    const retry = (error: TributaryError): void => {
      this.initFailures++;
      this.initRetryAtMs = scheduler.monotonicMs() + backoffMs(this.initFailures - 1, config['retry.backoff.ms'], config['retry.backoff.max.ms'], prng);
      if (INVALID_METADATA_ERRORS.has(error.code) || !error.retriable) metadata.requestUpdate();
    };
    withTimeout(transport.initProducerId(target, request, { timeoutMs }), scheduler, timeoutMs, 'InitProducerId').then(
      (response) => {
        this.initInFlight = false;
        if (response.errorCode === ErrorCode.NONE) {
          this.initFailures = 0;
          idempotence.setProducerIdAndEpoch(response.producerId, response.producerEpoch);
        } else {
          const error = new TributaryError(response.errorCode);
          if (error.retriable) retry(error);
          else if (bump) {
            // The epoch could not be bumped (e.g. fenced): start over with a fresh producer id.
            idempotence.setProducerIdAndEpoch(-1, -1);
          } else this.fatal = new TributaryError(response.errorCode, `InitProducerId failed: ${error.message}`);
        }
        this.wakeup();
      },
      (error: unknown) => {
        this.initInFlight = false;
        retry(toTributaryError(error, 'NETWORK_EXCEPTION'));
        this.wakeup();
      },
    );
  }

  /** Resolves when no Produce request is in flight. */
  whenNoRequestInFlight(): Promise<void> {
    if (this.inFlightRequestCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.inFlightRequestCount > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
