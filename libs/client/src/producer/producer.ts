import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { TributaryError, toTributaryError } from '@tributary/errors';
import type { Cancellable, Prng, Scheduler } from '@tributary/util';
import type { RecordHeader } from '../common/batch-codec';
import { parseBootstrapServers } from '../common/bootstrap';
import { consoleLogger, defaultCodec, defaultKeepAlive, defaultPrng, defaultScheduler, defaultTransport, type ClientDeps, type ClientLogger } from '../common/client-deps';
import type { KeepAlive } from '../common/keep-alive';
import { timeoutError } from '../common/deadline';
import { MetadataManager } from '../common/metadata-manager';
import { resolvePlugin } from '../common/plugin-resolution';
import {
  HookRunner,
  producerRecordProblem,
  type Partitioner,
  type ProducerInterceptor,
  type ProducerRecord,
  type RecordMetadata,
  type SpiProducerRecord,
} from '../common/plugins';
import { singleRecordBatchSize } from '../common/record-size';
import { normalizeHeaders, resolveSerializer, type SerializeFn } from '../common/serde';
import { clientTracer, injectRecordTraceContext } from '../common/tracing';
import { DEFAULT_MAX_SEND_MESSAGE_BYTES } from '@tributary/rpc';
import type { ClientTransport } from '../transport/transport';
import { BufferPool } from './buffer-pool';
import { IdempotenceState } from './idempotence';
import { PendingSend, type SendOutcomeHandler } from './pending-send';
import { parseProducerConfig, type ProducerConfig, type ProducerConfigInput } from './producer-config';
import { RecordAccumulator } from './record-accumulator';
import { Sender } from './sender';

/** Room for the request's own fields around its record bytes. */
const REQUEST_FRAMING_BYTES = 64 * 1024;

interface FlushWaiter {
  /** The last send the flush waits for. */
  readonly lastSendNumber: number;
  /** Sends numbered up to lastSendNumber that have not settled yet. */
  unsettled: number;
  readonly resolve: () => void;
}

export interface ProducerMetrics {
  readonly bufferAvailableBytes: number;
  readonly waitingSends: number;
  readonly incompleteBatches: number;
  readonly inFlightRequests: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

export interface PartitionInfo {
  readonly topic: string;
  readonly partition: number;
  /** -1 without a leader. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/**
 * The producer engine: Kafka's producer semantics behind a promise API.
 *
 * `send` resolves when the record is acknowledged (per acks) and rejects with
 * a TributaryError when it cannot be; records of one partition are written in
 * send order. Sends that must wait (for metadata of a new topic, for
 * buffer.memory, for an async interceptor) wait in call order, at most
 * max.block.ms, and hold the sends after them, as a blocked `send` holds a
 * Kafka producer's thread.
 */
export class Producer<K = Uint8Array, V = Uint8Array> {
  readonly config: ProducerConfig;
  private readonly scheduler: Scheduler;
  private readonly prng: Prng;
  private readonly tracer: Tracer;
  private readonly logger: ClientLogger;
  private readonly hooks: HookRunner;
  private readonly keepAlive: KeepAlive;
  private readonly transport: ClientTransport;
  private readonly metadata: MetadataManager;
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly idempotence: IdempotenceState | undefined;
  private readonly partitioner: Partitioner;
  private readonly interceptors: readonly ProducerInterceptor[];
  private readonly serializeKey: SerializeFn<K>;
  private readonly serializeValue: SerializeFn<V>;
  /** Sends not yet in the accumulator, in call order; their bytes are bounded by buffer.memory (`waitingBytes`). */
  private readonly appendQueue: PendingSend[] = [];
  private waitingBytes = 0;
  private appendTimer: Cancellable | undefined;
  private processing = false;
  /** Sends issued so far; a send's number orders it against flushes. */
  private sendCount = 0;
  /** Sends not yet resolved or rejected. */
  private unsettledSends = 0;
  /** Flushes (and close) waiting for the sends issued before them; bounded by their callers. */
  private readonly flushWaiters: FlushWaiter[] = [];
  private closePromise: Promise<void> | undefined;

  constructor(config: ProducerConfigInput, deps: ClientDeps = {}) {
    this.config = parseProducerConfig(config);
    const cfg = this.config;
    this.scheduler = defaultScheduler(deps);
    this.prng = defaultPrng(deps);
    this.tracer = deps.tracer ?? clientTracer();
    this.logger = deps.logger ?? consoleLogger;
    this.hooks = new HookRunner(this.scheduler, this.logger);
    this.keepAlive = defaultKeepAlive(deps);
    // Requests carry up to max.request.size of records plus framing.
    this.transport = defaultTransport(deps, { maxSendMessageBytes: Math.max(cfg['max.request.size'] + REQUEST_FRAMING_BYTES, DEFAULT_MAX_SEND_MESSAGE_BYTES) });
    const pluginEnv = { scheduler: this.scheduler, prng: this.prng, logger: this.logger, config: { 'partitioner.ignore.keys': String(cfg['partitioner.ignore.keys']) } };
    this.partitioner = resolvePlugin('partitioner', cfg['partitioner.class'], 'partitioner.class', pluginEnv);
    this.interceptors = cfg['interceptor.classes'].map((i) => resolvePlugin('producer-interceptor', i, 'interceptor.classes', pluginEnv));
    this.serializeKey = resolveSerializer(cfg['key.serializer'] as never, 'key.serializer');
    this.serializeValue = resolveSerializer(cfg['value.serializer'] as never, 'value.serializer');
    const bootstrap = parseBootstrapServers(cfg['bootstrap.servers']);
    this.metadata = new MetadataManager({
      transport: this.transport,
      scheduler: this.scheduler,
      prng: this.prng,
      bootstrap,
      requestTimeoutMs: cfg['request.timeout.ms'],
      retryBackoffMs: cfg['retry.backoff.ms'],
      retryBackoffMaxMs: cfg['retry.backoff.max.ms'],
      metadataMaxAgeMs: cfg['metadata.max.age.ms'],
      allowAutoTopicCreation: true,
      onError: (error) => this.logger.warn('metadata request failed', error),
    });
    this.pool = new BufferPool(cfg['buffer.memory'], () => this.processAppends());
    this.accumulator = new RecordAccumulator(
      { batchSizeBytes: cfg['batch.size'], lingerMs: cfg['linger.ms'], deliveryTimeoutMs: cfg['delivery.timeout.ms'] },
      this.pool,
    );
    this.idempotence = cfg['enable.idempotence'] ? new IdempotenceState() : undefined;
    this.sender = new Sender({
      config: cfg,
      accumulator: this.accumulator,
      metadata: this.metadata,
      transport: this.transport,
      scheduler: this.scheduler,
      prng: this.prng,
      codec: defaultCodec(deps),
      bootstrap,
      idempotence: this.idempotence,
    });
    this.metadata.onUpdate(() => {
      this.processAppends();
      this.sender.wakeup();
    });
    if (this.idempotence) this.sender.wakeup();
  }

  /**
   * Sends a record. Resolves with where it landed once acknowledged; rejects
   * with a TributaryError: MESSAGE_TOO_LARGE (over max.request.size or
   * buffer.memory), INVALID_RECORD (serialization), REQUEST_TIMED_OUT (no
   * metadata or memory within max.block.ms, or not delivered within
   * delivery.timeout.ms), or the broker's error when it is not retriable or
   * retries ran out.
   */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata> {
    const span = this.tracer.startSpan(`send ${record.topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'tributary', 'messaging.operation.type': 'send', 'messaging.destination.name': record.topic },
    });
    // Flushes count unsettled sends by number instead of holding each send's promise.
    this.unsettledSends++;
    this.keepAlive.hold();
    const pending = new PendingSend(span, this.scheduler.monotonicMs() + this.config['max.block.ms'], ++this.sendCount, this.sendOutcomes);
    try {
      if (this.closePromise) throw new TributaryError('INVALID_REQUEST', 'Cannot send after the producer is closed.', { retriable: false });
      if (this.sender.fatalError) throw this.sender.fatalError;
      const serialized = this.serialize(record);
      const bytes = singleRecordBatchSize({ key: serialized.key, value: serialized.value, headers: serialized.headers, timestamp: 0 });
      if (this.appendQueue.length > 0 && this.waitingBytes + bytes > this.config['buffer.memory']) {
        // Kafka's BufferExhaustedException (a TimeoutException): a caller that does not wait for its sends cannot queue without bound.
        throw timeoutError(
          `Buffer exhausted: sends waiting to enter the producer already hold ${this.waitingBytes} bytes (buffer.memory=${this.config['buffer.memory']}); wait for earlier sends`,
        );
      }
      pending.bytes = bytes;
      this.appendQueue.push(pending);
      this.waitingBytes += bytes;
      const intercepted = this.hooks.chain(this.interceptors, serialized, (i, r) => i.onSend(r), producerRecordProblem, 'producer interceptor onSend');
      if (intercepted instanceof Promise) intercepted.then((out) => this.admit(pending, out));
      else this.admit(pending, intercepted);
    } catch (error) {
      pending.onError(toTributaryError(error));
    }
    return pending.promise;
  }

  /** The interceptors are done with the record: stamp it, check its size, and let it into the accumulator in turn. */
  private admit(pending: PendingSend, out: SpiProducerRecord): void {
    // Copied before the trace header goes in, so an interceptor's array is never changed under it
    // (without a valid span context nothing goes in and nothing is copied).
    const spanContext = pending.span.spanContext();
    let headers = out.headers;
    if (trace.isSpanContextValid(spanContext)) {
      const traced = [...out.headers];
      injectRecordTraceContext(spanContext, traced);
      headers = traced;
    }
    pending.spiRecord = { ...out, headers, timestampMs: out.timestampMs ?? this.scheduler.nowMs() };
    try {
      this.checkRecordSize(pending.spiRecord);
    } catch (error) {
      this.removePending(pending);
      pending.onError(toTributaryError(error));
    }
    this.processAppends();
  }

  private readonly sendOutcomes: SendOutcomeHandler = {
    acknowledged: (send, metadata) => {
      if (this.interceptors.length > 0) {
        const acked = { ...metadata, timestampMs: metadata.timestamp };
        this.hooks.notify(this.interceptors, (i) => i.onAcknowledgement?.(acked, null), 'producer interceptor onAcknowledgement');
      }
      if (send.span.isRecording()) {
        send.span.setAttribute('messaging.destination.partition.id', String(metadata.partition));
        send.span.setAttribute('messaging.kafka.offset', metadata.offset);
      }
      endSpan(send.span);
      this.onSendSettled(send.sendNumber);
    },
    failed: (send, error) => {
      if (this.interceptors.length > 0) this.hooks.notify(this.interceptors, (i) => i.onAcknowledgement?.(null, error), 'producer interceptor onAcknowledgement');
      endSpan(send.span, error);
      this.onSendSettled(send.sendNumber);
    },
  };

  private onSendSettled(sendNumber: number): void {
    this.unsettledSends--;
    this.keepAlive.release();
    for (let i = 0; i < this.flushWaiters.length; ) {
      const waiter = this.flushWaiters[i];
      if (sendNumber <= waiter.lastSendNumber && --waiter.unsettled === 0) {
        this.flushWaiters.splice(i, 1);
        waiter.resolve();
      } else i++;
    }
  }

  /** Resolves when every send issued before the call has settled. */
  private sendsSettled(): Promise<void> {
    if (this.unsettledSends === 0) return Promise.resolve();
    // Every unsettled send was issued before now, so exactly these many settlements numbered <= sendCount are awaited.
    return new Promise((resolve) => this.flushWaiters.push({ lastSendNumber: this.sendCount, unsettled: this.unsettledSends, resolve }));
  }

  private serialize(record: ProducerRecord<K, V>): SpiProducerRecord {
    const headers: RecordHeader[] = normalizeHeaders(record.headers);
    const key = record.key === undefined || record.key === null ? null : this.serializeKey(record.key, record.topic, headers);
    const value = record.value === null ? null : this.serializeValue(record.value, record.topic, headers);
    return { topic: record.topic, partition: record.partition, key, value, headers, timestampMs: record.timestamp };
  }

  /** Waits until every record sent before the call is acknowledged or failed; linger.ms is ignored meanwhile. */
  async flush(): Promise<void> {
    const settled = this.sendsSettled();
    this.accumulator.beginFlush();
    this.sender.wakeup();
    try {
      await settled;
    } finally {
      this.accumulator.endFlush();
    }
  }

  /**
   * Stops taking records, sends what is buffered (without lingering) and
   * waits up to `timeoutMs` for it to be acknowledged; what is still pending
   * then fails ("closed forcefully"). `close(0)` fails everything pending at
   * once. Closes the plugins and the transport.
   */
  close(timeoutMs = Number.MAX_SAFE_INTEGER): Promise<void> {
    this.closePromise ??= this.doClose(timeoutMs);
    return this.closePromise;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    this.accumulator.beginClose();
    this.sender.wakeup();
    const drained = this.sendsSettled().then(() => true);
    let timer: Cancellable | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.scheduler.schedule(timeoutMs, () => resolve(false));
    });
    const graceful = timeoutMs > 0 && (await Promise.race([drained, timedOut]));
    timer?.cancel();
    if (!graceful) {
      const error = new TributaryError('UNKNOWN_SERVER_ERROR', 'Producer is closed forcefully.', { retriable: false });
      for (const pending of [...this.appendQueue]) {
        this.removePending(pending);
        pending.onError(error);
      }
      this.sender.forceClose(error);
    }
    this.appendTimer?.cancel();
    this.sender.stop();
    this.metadata.close();
    this.hooks.notify([...this.interceptors, this.partitioner], (p) => p.close?.(), 'plugin close');
    await this.transport.close();
  }

  /** The partitions of `topic` (metadata fetched if needed, within max.block.ms). */
  async partitionsFor(topic: string): Promise<PartitionInfo[]> {
    const maxBlockMs = this.config['max.block.ms'];
    const deadline = this.scheduler.monotonicMs() + maxBlockMs;
    this.metadata.addTopics([topic]);
    while (!this.metadata.cluster.hasTopic(topic)) {
      const left = deadline - this.scheduler.monotonicMs();
      if (left <= 0) throw timeoutError(`Topic ${topic} not present in metadata after ${maxBlockMs} ms.`);
      let timer: Cancellable | undefined;
      await Promise.race([this.metadata.waitForUpdate(), new Promise<void>((resolve) => (timer = this.scheduler.schedule(left, resolve)))]);
      timer?.cancel();
    }
    return this.metadata.cluster.partitions(topic).map((p) => ({ topic, partition: p.partition, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }));
  }

  metrics(): ProducerMetrics {
    return {
      bufferAvailableBytes: this.pool.available,
      waitingSends: this.appendQueue.length,
      incompleteBatches: this.accumulator.incompleteCount,
      inFlightRequests: this.sender.inFlightRequestCount,
      producerId: this.idempotence?.producerId ?? -1,
      producerEpoch: this.idempotence?.producerEpoch ?? -1,
    };
  }

  private checkRecordSize(record: SpiProducerRecord): void {
    const size = singleRecordBatchSize({ key: record.key, value: record.value, headers: record.headers, timestamp: record.timestampMs ?? 0 });
    for (const [limit, name] of [
      [this.config['max.request.size'], 'max.request.size'],
      [this.config['buffer.memory'], 'buffer.memory'],
    ] as const) {
      if (size > limit) {
        throw new TributaryError('MESSAGE_TOO_LARGE', `The message is ${size} bytes when serialized which is larger than ${limit}, which is the value of the ${name} configuration.`);
      }
    }
  }

  /** Moves waiting sends into the accumulator, in order, until one must wait. */
  private processAppends(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let head = this.appendQueue[0]; head; head = this.appendQueue[0]) {
        const now = this.scheduler.monotonicMs();
        let outcome: 'done' | 'metadata' | 'memory' | 'intercepting';
        try {
          outcome = head.spiRecord ? this.tryAppend(head, head.spiRecord, now) : 'intercepting';
        } catch (error) {
          this.removePending(head);
          head.onError(toTributaryError(error));
          continue;
        }
        if (outcome === 'done') {
          this.removePending(head);
          continue;
        }
        if (outcome === 'intercepting') break; // admitted (in order) when its hooks finish
        if (now >= head.deadlineMs) {
          this.removePending(head);
          if (outcome === 'memory') this.pool.clearWaiting();
          head.onError(timeoutError(this.blockedMessage(head.spiRecord as SpiProducerRecord, outcome)));
          continue;
        }
        this.armAppendTimer(head.deadlineMs - now);
        return;
      }
      this.appendTimer?.cancel();
      this.appendTimer = undefined;
    } finally {
      this.processing = false;
    }
  }

  private removePending(pending: PendingSend): void {
    const i = this.appendQueue.indexOf(pending);
    if (i < 0) return;
    this.appendQueue.splice(i, 1);
    this.waitingBytes -= pending.bytes;
  }

  private armAppendTimer(delayMs: number): void {
    this.appendTimer?.cancel();
    this.appendTimer = this.scheduler.schedule(delayMs, () => {
      this.appendTimer = undefined;
      this.processAppends();
    });
  }

  private blockedMessage(record: SpiProducerRecord, outcome: 'metadata' | 'memory'): string {
    const maxBlockMs = this.config['max.block.ms'];
    if (outcome === 'memory') return `Failed to allocate memory within the configured max blocking time ${maxBlockMs} ms.`;
    const count = this.metadata.cluster.partitionCount(record.topic);
    return count !== undefined && typeof record.partition === 'number'
      ? `Partition ${record.partition} of topic ${record.topic} with partition count ${count} is not present in metadata after ${maxBlockMs} ms.`
      : `Topic ${record.topic} not present in metadata after ${maxBlockMs} ms.`;
  }

  private tryAppend(head: PendingSend, record: SpiProducerRecord, now: number): 'done' | 'metadata' | 'memory' {
    const cluster = this.metadata.cluster;
    const topic = record.topic;
    const explicit = typeof record.partition === 'number' ? record.partition : undefined;
    const count = cluster.partitionCount(topic);
    if (count === undefined || (explicit !== undefined && explicit >= count)) {
      const topicError = cluster.topicErrorCode(topic);
      if (topicError !== undefined && topicError !== 0 && !new TributaryError(topicError).retriable) throw new TributaryError(topicError, `topic ${topic}`);
      this.metadata.addTopics([topic]);
      if (head.metadataVersionAsked !== this.metadata.version) {
        head.metadataVersionAsked = this.metadata.version;
        this.metadata.requestUpdate();
      }
      return 'metadata';
    }
    const available = cluster.availablePartitions(topic);
    // The send itself is the batch's record thunk.
    head.record = { key: record.key, value: record.value, headers: record.headers, timestamp: record.timestampMs ?? now };
    let partition = explicit ?? this.choosePartition(record, count, available);
    if (explicit === undefined && this.partitioner.onNewBatch && this.accumulator.wouldStartNewBatch({ topic, partition }, head)) {
      // Kafka's onNewBatch: a sticky partitioner may switch now, then partitions the record again.
      this.partitioner.onNewBatch(topic, { partitionCount: count, availablePartitions: available }, partition);
      partition = this.choosePartition(record, count, available);
    }
    head.partition = partition;
    const result = this.accumulator.append({ topic, partition }, head, now);
    if (result.status === 'no-memory') return 'memory';
    this.pool.clearWaiting();
    if (result.batchIsFull || result.newBatch) this.sender.wakeup(result.batchIsFull ? 0 : this.config['linger.ms']);
    return 'done';
  }

  /** Fail-closed (SPI contract): a throw or an out-of-range answer fails the send. */
  private choosePartition(record: SpiProducerRecord, count: number, available: readonly number[]): number {
    const partition = this.partitioner.partition(record, { partitionCount: count, availablePartitions: available });
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw new TributaryError('INVALID_REQUEST', `partitioner.class returned partition ${partition} for topic ${record.topic} with ${count} partitions`, { retriable: false });
    }
    return partition;
  }
}

function endSpan(span: Span, error?: TributaryError): void {
  if (error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

/** Creates a producer: `createProducer<string, Order>({ 'bootstrap.servers': 'localhost:9290', 'key.serializer': 'string', 'value.serializer': 'json' }, deps)`. */
export function createProducer<K = Uint8Array, V = Uint8Array>(config: ProducerConfigInput, deps: ClientDeps = {}): Producer<K, V> {
  return new Producer<K, V>(config, deps);
}
