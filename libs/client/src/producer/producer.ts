import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { TributaryError, toTributaryError } from '@tributary/errors';
import type { Cancellable, Prng, Scheduler } from '@tributary/util';
import type { RecordHeader } from '../common/batch-codec';
import { parseBootstrapServers } from '../common/bootstrap';
import { consoleLogger, defaultPrng, defaultScheduler, type ClientDeps, type ClientLogger } from '../common/client-deps';
import { timeoutError } from '../common/deadline';
import { MetadataManager } from '../common/metadata-manager';
import type { Partitioner, ProducerInterceptor, ProducerRecord, RecordMetadata } from '../common/plugins';
import { singleRecordBatchSize } from '../common/record-size';
import { normalizeHeaders, resolveSerializer, type SerializeFn } from '../common/serde';
import { clientTracer, injectTraceContext } from '../common/tracing';
import type { ClientTransport } from '../transport/transport';
import { BufferPool } from './buffer-pool';
import { partitionForKey, UniformStickyPartitioner } from './builtin-partitioner';
import { IdempotenceState } from './idempotence';
import type { RecordThunk } from './producer-batch';
import { parseProducerConfig, type ProducerConfig, type ProducerConfigInput } from './producer-config';
import { RecordAccumulator } from './record-accumulator';
import { Sender } from './sender';

/** A record waiting to enter the accumulator (for metadata or memory), in send order. */
interface PendingAppend {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: RecordHeader[];
  readonly timestamp: number;
  readonly deadlineMs: number;
  onComplete(partition: number, offset: number, logAppendTimeMs: number): void;
  onError(error: TributaryError): void;
  waitingFor?: 'metadata' | 'memory';
  metadataVersionAsked?: number;
}

export interface ProducerMetrics {
  readonly bufferAvailableBytes: number;
  readonly waitingSends: number;
  readonly incompleteBatches: number;
  readonly inFlightRequests: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/**
 * The producer engine: Kafka's producer semantics behind a promise API.
 *
 * `send` resolves when the record is acknowledged (acks) and rejects with a
 * TributaryError when it cannot be; records of one partition are written in
 * send order. Sends that must wait (for metadata of a new topic or for
 * buffer.memory) wait in call order, at most max.block.ms, and hold the sends
 * after them, as a blocked `send` holds a Kafka producer's thread.
 */
export class Producer<K = Uint8Array, V = Uint8Array> {
  readonly config: ProducerConfig;
  private readonly scheduler: Scheduler;
  private readonly prng: Prng;
  private readonly tracer: Tracer;
  private readonly logger: ClientLogger;
  private readonly transport: ClientTransport;
  private readonly metadata: MetadataManager;
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly idempotence: IdempotenceState | undefined;
  private readonly sticky: UniformStickyPartitioner;
  private readonly partitioner: Partitioner | undefined;
  private readonly interceptors: readonly ProducerInterceptor<K, V>[];
  private readonly serializeKey: SerializeFn<K>;
  private readonly serializeValue: SerializeFn<V>;
  private readonly appendQueue: PendingAppend[] = [];
  private appendTimer: Cancellable | undefined;
  private processing = false;
  private readonly pendingSends = new Set<Promise<unknown>>();
  private closePromise: Promise<void> | undefined;

  constructor(config: ProducerConfigInput, deps: ClientDeps) {
    this.config = parseProducerConfig(config);
    const cfg = this.config;
    this.scheduler = defaultScheduler(deps);
    this.prng = defaultPrng(deps);
    this.tracer = deps.tracer ?? clientTracer();
    this.logger = deps.logger ?? consoleLogger;
    this.transport = deps.transport;
    this.partitioner = resolvePlugin(cfg['partitioner.class'], 'partitioner.class');
    this.interceptors = cfg['interceptor.classes'].map((i) => resolvePlugin(i, 'interceptor.classes') as ProducerInterceptor<K, V>);
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
    this.sticky = new UniformStickyPartitioner(Math.max(1, cfg['batch.size']), this.prng);
    this.sender = new Sender({
      config: cfg,
      accumulator: this.accumulator,
      metadata: this.metadata,
      transport: this.transport,
      scheduler: this.scheduler,
      prng: this.prng,
      codec: deps.codec,
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
    const promise = this.doSend(record);
    this.pendingSends.add(promise);
    const forget = (): void => void this.pendingSends.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  private doSend(original: ProducerRecord<K, V>): Promise<RecordMetadata> {
    const record = this.runOnSend(original);
    const span = this.tracer.startSpan(`send ${record.topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'tributary', 'messaging.operation.type': 'send', 'messaging.destination.name': record.topic },
    });
    return new Promise<RecordMetadata>((resolve, reject) => {
      const fail = (error: TributaryError): void => {
        this.acknowledge(null, error);
        endSpan(span, error);
        reject(error);
      };
      try {
        if (this.closePromise) throw new TributaryError('INVALID_REQUEST', 'Cannot send after the producer is closed.', { retriable: false });
        const fatal = this.sender.fatalError;
        if (fatal) throw fatal;
        const headers = normalizeHeaders(record.headers);
        injectTraceContext(span.spanContext(), headers);
        const key = record.key === undefined || record.key === null ? null : this.serializeKey(record.key, record.topic, headers);
        const value = record.value === null ? null : this.serializeValue(record.value, record.topic, headers);
        const timestamp = record.timestamp ?? this.scheduler.nowMs();
        this.checkRecordSize({ key, value, headers, timestamp });
        const sizes = { serializedKeySize: key?.length ?? -1, serializedValueSize: value?.length ?? -1 };
        this.appendQueue.push({
          topic: record.topic,
          partition: record.partition,
          key,
          value,
          headers,
          timestamp,
          deadlineMs: this.scheduler.monotonicMs() + this.config['max.block.ms'],
          onComplete: (partition, offset, logAppendTimeMs) =>
            resolve({ topic: record.topic, partition, offset, timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : timestamp, ...sizes }),
          onError: fail,
        });
        this.processAppends();
      } catch (error) {
        fail(toTributaryError(error));
      }
    }).then((metadata) => {
      this.acknowledge(metadata, null);
      span.setAttribute('messaging.destination.partition.id', String(metadata.partition));
      span.setAttribute('messaging.kafka.offset', metadata.offset);
      endSpan(span);
      return metadata;
    });
  }

  /** Waits until every record sent before the call is acknowledged or failed; linger.ms is ignored meanwhile. */
  async flush(): Promise<void> {
    const snapshot = [...this.pendingSends];
    this.accumulator.beginFlush();
    this.sender.wakeup();
    try {
      await Promise.allSettled(snapshot);
    } finally {
      this.accumulator.endFlush();
    }
  }

  /**
   * Stops taking records, sends what is buffered (without lingering) and
   * waits up to `timeoutMs` for it to be acknowledged; what is still pending
   * then fails ("closed forcefully"). `close(0)` fails everything pending at
   * once. Closes the transport too.
   */
  close(timeoutMs = Number.MAX_SAFE_INTEGER): Promise<void> {
    this.closePromise ??= this.doClose(timeoutMs);
    return this.closePromise;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    this.accumulator.beginClose();
    this.sender.wakeup();
    const drained = Promise.allSettled([...this.pendingSends]).then(() => true);
    let timer: Cancellable | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.scheduler.schedule(timeoutMs, () => resolve(false));
    });
    const graceful = timeoutMs > 0 && (await Promise.race([drained, timedOut]));
    timer?.cancel();
    if (!graceful) {
      const error = new TributaryError('UNKNOWN_SERVER_ERROR', 'Producer is closed forcefully.', { retriable: false });
      for (const pending of this.appendQueue.splice(0)) pending.onError(error);
      this.sender.forceClose(error);
    }
    this.appendTimer?.cancel();
    this.sender.stop();
    this.metadata.close();
    for (const plugin of [...this.interceptors, this.partitioner]) {
      try {
        plugin?.close?.();
      } catch (error) {
        this.logger.warn('plugin close failed', error);
      }
    }
    await this.transport.close();
  }

  /** The partitions of `topic` as the producer's metadata knows them (fetched if needed, within max.block.ms). */
  async partitionsFor(topic: string): Promise<{ topic: string; partition: number; leader: number; replicas: readonly number[]; isr: readonly number[] }[]> {
    const deadline = this.scheduler.monotonicMs() + this.config['max.block.ms'];
    this.metadata.addTopics([topic]);
    while (!this.metadata.cluster.hasTopic(topic)) {
      if (this.scheduler.monotonicMs() >= deadline) throw timeoutError(`Topic ${topic} not present in metadata after ${this.config['max.block.ms']} ms.`);
      await Promise.race([this.metadata.waitForUpdate(), this.sleep(deadline - this.scheduler.monotonicMs())]);
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.schedule(Math.max(0, ms), resolve));
  }

  private runOnSend(record: ProducerRecord<K, V>): ProducerRecord<K, V> {
    let current = record;
    for (const interceptor of this.interceptors) {
      try {
        current = interceptor.onSend?.(current) ?? current;
      } catch (error) {
        // Fail-open, as Kafka: a broken interceptor is logged, the record goes on.
        this.logger.warn('producer interceptor onSend failed', error);
      }
    }
    return current;
  }

  private acknowledge(metadata: RecordMetadata | null, error: Error | null): void {
    for (const interceptor of this.interceptors) {
      try {
        interceptor.onAcknowledgement?.(metadata, error);
      } catch (e) {
        this.logger.warn('producer interceptor onAcknowledgement failed', e);
      }
    }
  }

  private checkRecordSize(record: { key: Uint8Array | null; value: Uint8Array | null; headers: RecordHeader[]; timestamp: number }): void {
    const size = singleRecordBatchSize(record);
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
        let outcome: 'done' | 'metadata' | 'memory';
        try {
          outcome = this.tryAppend(head, now);
        } catch (error) {
          this.appendQueue.shift();
          head.onError(toTributaryError(error));
          continue;
        }
        if (outcome === 'done') {
          this.appendQueue.shift();
          continue;
        }
        if (now >= head.deadlineMs) {
          this.appendQueue.shift();
          if (outcome === 'memory') this.pool.clearWaiting();
          head.onError(timeoutError(this.blockedMessage(head, outcome)));
          continue;
        }
        head.waitingFor = outcome;
        this.armAppendTimer(head.deadlineMs - now);
        return;
      }
      this.appendTimer?.cancel();
      this.appendTimer = undefined;
    } finally {
      this.processing = false;
    }
  }

  private armAppendTimer(delayMs: number): void {
    this.appendTimer?.cancel();
    this.appendTimer = this.scheduler.schedule(delayMs, () => {
      this.appendTimer = undefined;
      this.processAppends();
    });
  }

  private blockedMessage(head: PendingAppend, outcome: 'metadata' | 'memory'): string {
    const maxBlockMs = this.config['max.block.ms'];
    if (outcome === 'memory') return `Failed to allocate memory within the configured max blocking time ${maxBlockMs} ms.`;
    const count = this.metadata.cluster.partitionCount(head.topic);
    return count !== undefined && head.partition !== undefined
      ? `Partition ${head.partition} of topic ${head.topic} with partition count ${count} is not present in metadata after ${maxBlockMs} ms.`
      : `Topic ${head.topic} not present in metadata after ${maxBlockMs} ms.`;
  }

  private tryAppend(head: PendingAppend, now: number): 'done' | 'metadata' | 'memory' {
    const cluster = this.metadata.cluster;
    const count = cluster.partitionCount(head.topic);
    if (count === undefined || (head.partition !== undefined && head.partition >= count)) {
      const topicError = cluster.topicErrorCode(head.topic);
      if (topicError !== undefined && topicError !== 0 && !new TributaryError(topicError).retriable) throw new TributaryError(topicError, `topic ${head.topic}`);
      this.metadata.addTopics([head.topic]);
      if (head.metadataVersionAsked !== this.metadata.version) {
        head.metadataVersionAsked = this.metadata.version;
        this.metadata.requestUpdate();
      }
      return 'metadata';
    }
    if (head.partition !== undefined && head.partition < 0) {
      throw new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', `Invalid partition given with record: ${head.partition} is not in the range [0...${count}].`, { retriable: false });
    }
    const available = cluster.availablePartitions(head.topic);
    const chosen = head.partition === undefined ? this.choosePartition(head, count, available) : { partition: head.partition, sticky: false };
    const partition = chosen.partition;
    const thunk: RecordThunk = {
      record: { key: head.key, value: head.value, headers: head.headers, timestamp: head.timestamp },
      onComplete: (offset, logAppendTimeMs) => head.onComplete(partition, offset, logAppendTimeMs),
      onError: (error) => head.onError(error),
    };
    const result = this.accumulator.append({ topic: head.topic, partition }, thunk, now);
    if (result.status === 'no-memory') return 'memory';
    this.pool.clearWaiting();
    if (chosen.sticky) this.sticky.recordAppended(head.topic, partition, result.bytes, count, available);
    if (result.batchIsFull || result.newBatch) this.sender.wakeup(result.batchIsFull ? 0 : this.config['linger.ms']);
    return 'done';
  }

  private choosePartition(head: PendingAppend, count: number, available: readonly number[]): { partition: number; sticky: boolean } {
    if (this.partitioner) {
      const input = { topic: head.topic, key: head.key, value: head.value, headers: head.headers, partitionCount: count, availablePartitions: available };
      const partition = this.partitioner.partition(input);
      if (partition >= 0) {
        if (!Number.isInteger(partition) || partition >= count) {
          throw new TributaryError('INVALID_REQUEST', `partitioner.class returned partition ${partition} for topic ${head.topic} with ${count} partitions`, { retriable: false });
        }
        return { partition, sticky: false };
      }
    }
    if (head.key !== null && !this.config['partitioner.ignore.keys']) return { partition: partitionForKey(head.key, count), sticky: false };
    return { partition: this.sticky.partition(head.topic, count, available), sticky: true };
  }
}

function endSpan(span: Span, error?: TributaryError): void {
  if (error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

function resolvePlugin<T>(spec: T | string | undefined, key: string): T | undefined {
  if (typeof spec === 'string') {
    throw new TributaryError(
      'INVALID_CONFIG',
      `${key}=${spec}: plugin names/paths are loaded by the plugin host (@tributary/plugins-host); pass a plugin instance here`,
    );
  }
  return spec;
}

/** Creates a producer: `createProducer<string, Order>({ 'bootstrap.servers': 'localhost:9290', 'value.serializer': 'json' }, deps)`. */
export function createProducer<K = Uint8Array, V = Uint8Array>(config: ProducerConfigInput, deps: ClientDeps): Producer<K, V> {
  return new Producer<K, V>(config, deps);
}
