import { SpanKind, type Link, type Tracer } from '@opentelemetry/api';
import { TributaryError, toTributaryError } from '@tributary/errors';
import { topicPartitionKey, type Cancellable, type Scheduler, type TopicPartition } from '@tributary/util';
import { parseBootstrapServers } from '../common/bootstrap';
import { consoleLogger, defaultCodec, defaultKeepAlive, defaultPrng, defaultScheduler, defaultTransport, type ClientDeps, type ClientLogger } from '../common/client-deps';
import { keepAliveWhile, type KeepAlive } from '../common/keep-alive';
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '@tributary/rpc';
import { MetadataManager } from '../common/metadata-manager';
import { OffsetLookup, type OffsetAndTimestamp } from '../common/offset-lookup';
import { resolvePlugin } from '../common/plugin-resolution';
import { consumerRecordsProblem, HookRunner, type ConsumerInterceptor, type ConsumerRecord } from '../common/plugins';
import { resolveDeserializer, type DeserializeFn } from '../common/serde';
import { clientTracer, extractRecordTraceContext } from '../common/tracing';
import { IsolationLevel, OffsetSpec, type ClientTransport, type IsolationLevelNumber } from '../transport/transport';
import { parseConsumerConfig, type ConsumerConfig, type ConsumerConfigInput } from './consumer-config';
import { Fetcher, PartitionError, type RawConsumerRecord } from './fetcher';
import { SubscriptionState } from './subscription-state';

/** Most links a `poll` span carries to the producers' spans. */
export const MAX_POLL_SPAN_LINKS = 128;
/** poll timeout of `run` and the async iterator when none is given. */
export const DEFAULT_LOOP_POLL_TIMEOUT_MS = 1000;

/** Thrown by poll when a key or value cannot be deserialized; the position stays at `offset`, so `seek(offset + 1)` skips it. */
export class RecordDeserializationError extends PartitionError {}

/** The records of one partition from one poll, for `run({ eachBatch })`. */
export interface RecordBatchOfPartition<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumerRecord<K, V>[];
  /** The partition's high watermark when the records were fetched. */
  readonly highWatermark: number | null;
  /** high watermark − position after these records, if known. */
  readonly lag: number | undefined;
}

export interface RunOptions<K, V> {
  /** Called for every record, in order; a throw stops the loop with the position at that record. */
  readonly eachRecord?: (record: ConsumerRecord<K, V>) => void | Promise<void>;
  /** Called per partition and poll; a throw stops the loop with the position at the batch's first record. */
  readonly eachBatch?: (batch: RecordBatchOfPartition<K, V>) => void | Promise<void>;
  readonly pollTimeoutMs?: number;
}

export interface OffsetForTime {
  readonly topic: string;
  readonly partition: number;
  /** The earliest offset whose timestamp is ≥ the asked one; null when there is none. */
  readonly offset: number | null;
  readonly timestamp: number | null;
}

/**
 * The consumer engine, manual assignment (consumer groups come later):
 * `assign` partitions, `poll` for records (or `run` / `for await`), move with
 * `seek*`, `pause`/`resume`. Fetches run in the background between polls.
 */
export class Consumer<K = Uint8Array, V = Uint8Array> {
  readonly config: ConsumerConfig;
  private readonly scheduler: Scheduler;
  private readonly tracer: Tracer;
  private readonly logger: ClientLogger;
  private readonly hooks: HookRunner;
  private readonly keepAlive: KeepAlive;
  private readonly transport: ClientTransport;
  private readonly metadata: MetadataManager;
  private readonly subscriptions = new SubscriptionState();
  private readonly fetcher: Fetcher;
  private readonly offsets: OffsetLookup;
  private readonly interceptors: readonly ConsumerInterceptor[];
  private readonly deserializeKey: DeserializeFn<K>;
  private readonly deserializeValue: DeserializeFn<V>;
  private readonly isolationLevel: IsolationLevelNumber;
  private readonly resetsInFlight = new Set<string>();
  private resetRetryAtMs = 0;
  private resetError: TributaryError | undefined;
  private activityWaiters: (() => void)[] = [];
  private wakeupRequested = false;
  private running: Promise<void> | undefined;
  private stopRequested = false;
  private closed = false;

  constructor(config: ConsumerConfigInput, deps: ClientDeps = {}) {
    this.config = parseConsumerConfig(config);
    const cfg = this.config;
    this.scheduler = defaultScheduler(deps);
    const prng = defaultPrng(deps);
    this.tracer = deps.tracer ?? clientTracer();
    this.logger = deps.logger ?? consoleLogger;
    this.hooks = new HookRunner(this.scheduler, this.logger);
    this.keepAlive = defaultKeepAlive(deps);
    // A fetch response holds up to fetch.max.bytes (or one larger first batch) plus framing.
    this.transport = defaultTransport(deps, { maxReceiveMessageBytes: Math.max(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, cfg['fetch.max.bytes'] + cfg['max.partition.fetch.bytes']) });
    const pluginEnv = { scheduler: this.scheduler, prng, logger: this.logger, config: {} };
    this.interceptors = cfg['interceptor.classes'].map((i) => resolvePlugin('consumer-interceptor', i, 'interceptor.classes', pluginEnv));
    this.deserializeKey = resolveDeserializer(cfg['key.deserializer'] as never, 'key.deserializer');
    this.deserializeValue = resolveDeserializer(cfg['value.deserializer'] as never, 'value.deserializer');
    this.isolationLevel = cfg['isolation.level'] === 'read_committed' ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
    this.metadata = new MetadataManager({
      transport: this.transport,
      scheduler: this.scheduler,
      prng,
      bootstrap: parseBootstrapServers(cfg['bootstrap.servers']),
      requestTimeoutMs: cfg['request.timeout.ms'],
      retryBackoffMs: cfg['retry.backoff.ms'],
      retryBackoffMaxMs: cfg['retry.backoff.max.ms'],
      metadataMaxAgeMs: cfg['metadata.max.age.ms'],
      allowAutoTopicCreation: false,
      onError: (error) => this.logger.warn('metadata request failed', error),
    });
    this.metadata.onUpdate(() => this.notifyActivity());
    this.fetcher = new Fetcher(cfg, this.subscriptions, this.metadata, this.transport, this.scheduler, defaultCodec(deps), () => this.notifyActivity());
    this.offsets = new OffsetLookup({
      metadata: this.metadata,
      transport: this.transport,
      scheduler: this.scheduler,
      prng,
      requestTimeoutMs: cfg['request.timeout.ms'],
      retryBackoffMs: cfg['retry.backoff.ms'],
      retryBackoffMaxMs: cfg['retry.backoff.max.ms'],
    });
  }

  /** Replaces the assignment. Partitions kept keep their positions; new ones start per auto.offset.reset unless sought. */
  assign(partitions: readonly TopicPartition[]): void {
    this.ensureOpen();
    this.subscriptions.assign(partitions);
    this.metadata.setTopics(new Set(partitions.map((p) => p.topic)));
  }

  assignment(): TopicPartition[] {
    return this.subscriptions.assigned();
  }

  /** Fetch-buffer figures, for monitoring and tests. */
  metrics(): { bufferedFetches: number; inFlightFetches: number } {
    return { bufferedFetches: this.fetcher.bufferedCount, inFlightFetches: this.fetcher.inFlightCount };
  }

  /** The next poll returns records of `tp` from `offset`. */
  seek(tp: TopicPartition, offset: number): void {
    this.ensureOpen();
    if (!Number.isSafeInteger(offset) || offset < 0) throw new TributaryError('INVALID_REQUEST', `seek offset must not be negative, got ${offset}`, { retriable: false });
    this.subscriptions.seek(tp, offset);
  }

  /** Moves to the log start offset of each partition (lazily, at the next poll or position). */
  seekToBeginning(partitions: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of partitions) this.subscriptions.requestReset(tp, 'earliest');
  }

  /** Moves to the high watermark (the last stable offset under read_committed), lazily. */
  seekToEnd(partitions: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of partitions) this.subscriptions.requestReset(tp, 'latest');
  }

  /** The offset of the next record poll returns for `tp`, looking it up if needed (within `timeoutMs`). */
  position(tp: TopicPartition, timeoutMs = this.config['default.api.timeout.ms']): Promise<number> {
    return keepAliveWhile(this.keepAlive, this.doPosition(tp, timeoutMs));
  }

  private async doPosition(tp: TopicPartition, timeoutMs: number): Promise<number> {
    this.ensureOpen();
    const state = this.subscriptions.require(tp, 'position');
    const deadline = this.scheduler.monotonicMs() + timeoutMs;
    for (;;) {
      this.updateFetchPositions();
      if (state.position !== null && state.pendingReset === null) return state.position;
      const left = deadline - this.scheduler.monotonicMs();
      if (left <= 0) throw new TributaryError('REQUEST_TIMED_OUT', `Timeout of ${timeoutMs} ms expired before the position for partition ${topicPartitionKey(tp)} could be determined`);
      await this.waitForActivity(left);
    }
  }

  /** For each partition, the earliest offset whose timestamp is ≥ `timestamp` (ListOffsets), or null. */
  async offsetsForTimes(query: readonly (TopicPartition & { readonly timestamp: number })[], timeoutMs = this.config['default.api.timeout.ms']): Promise<OffsetForTime[]> {
    for (const q of query) {
      if (q.timestamp < 0) throw new TributaryError('INVALID_REQUEST', `The target time for partition ${topicPartitionKey(q)} is ${q.timestamp}. The target time cannot be negative.`, { retriable: false });
    }
    const found = await this.lookup(query.map((q) => ({ tp: q, timestamp: q.timestamp })), timeoutMs);
    return query.map((q) => {
      const hit = found.get(topicPartitionKey(q));
      return { topic: q.topic, partition: q.partition, offset: hit?.offset ?? null, timestamp: hit ? hit.timestamp : null };
    });
  }

  /** Log start offsets. */
  async beginningOffsets(partitions: readonly TopicPartition[], timeoutMs = this.config['default.api.timeout.ms']): Promise<(TopicPartition & { offset: number })[]> {
    return this.listSpecial(partitions, OffsetSpec.EARLIEST, timeoutMs);
  }

  /** High watermarks (last stable offsets under read_committed). */
  async endOffsets(partitions: readonly TopicPartition[], timeoutMs = this.config['default.api.timeout.ms']): Promise<(TopicPartition & { offset: number })[]> {
    return this.listSpecial(partitions, OffsetSpec.LATEST, timeoutMs);
  }

  /** Stops returning (and fetching) records of these partitions until `resume`; buffered records are kept. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.subscriptions.require(tp, 'pause').paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.subscriptions.require(tp, 'resume').paused = false;
    this.notifyActivity();
  }

  paused(): TopicPartition[] {
    return this.subscriptions.all().filter((s) => s.paused).map((s) => s.tp);
  }

  /** high watermark (last stable offset under read_committed) − position, once both are known. */
  currentLag(tp: TopicPartition): number | undefined {
    const state = this.subscriptions.require(tp, 'currentLag');
    const end = this.isolationLevel === IsolationLevel.READ_COMMITTED ? state.lastStableOffset : state.highWatermark;
    return end === null || state.position === null ? undefined : Math.max(0, end - state.position);
  }

  /**
   * Returns up to max.poll.records records, waiting up to `timeoutMs` for
   * some. Throws OFFSET_OUT_OF_RANGE (auto.offset.reset=none and no valid
   * position), RecordDeserializationError, or a partition's fetch error.
   */
  poll(timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    return keepAliveWhile(this.keepAlive, this.doPoll(timeoutMs));
  }

  private async doPoll(timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    this.ensureOpen();
    if (this.subscriptions.assigned().length === 0) {
      throw new TributaryError('INVALID_REQUEST', 'Consumer is not assigned to any partitions', { retriable: false });
    }
    const deadline = this.scheduler.monotonicMs() + Math.max(0, timeoutMs);
    for (;;) {
      this.updateFetchPositions();
      this.fetcher.throwPendingError();
      const raw = this.fetcher.collect(this.config['max.poll.records']);
      this.fetcher.sendFetches(); // prefetch the next records while the application works
      if (raw.length > 0) return this.deliver(raw);
      const left = deadline - this.scheduler.monotonicMs();
      if (left <= 0 || this.takeWakeup() || this.closed) return [];
      await this.waitForActivity(left);
      if (this.takeWakeup() || this.closed) return [];
    }
  }

  /** Makes a waiting poll (or the next one) return at once with no records. */
  wakeup(): void {
    this.wakeupRequested = true;
    this.notifyActivity();
  }

  /** Polls in a loop and hands records to the handlers until `stop()` or `close()`; rejects with a handler's error. */
  run(options: RunOptions<K, V>): Promise<void> {
    if (this.running) throw new TributaryError('INVALID_REQUEST', 'The consumer is already running', { retriable: false });
    this.stopRequested = false;
    this.running = keepAliveWhile(this.keepAlive, this.loop(options)).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Ends `run` (after the handler call in progress) and the async iterator. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeup();
    await this.running?.catch(() => undefined);
  }

  /** Yields records one at a time; leaving the loop early rewinds to the first record not yielded. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord<K, V>, void, undefined> {
    this.stopRequested = false;
    while (!this.stopRequested && !this.closed) {
      const records = await this.poll(DEFAULT_LOOP_POLL_TIMEOUT_MS);
      let next = 0;
      try {
        while (next < records.length) yield records[next++];
      } finally {
        if (next < records.length && !this.closed) this.rewind(records.slice(next));
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopRequested = true;
    this.notifyActivity();
    this.fetcher.close();
    this.metadata.close();
    this.hooks.notify(this.interceptors, (i) => i.close?.(), 'consumer interceptor close');
    await this.transport.close();
  }

  // ---- internals ----

  private async loop(options: RunOptions<K, V>): Promise<void> {
    const timeoutMs = options.pollTimeoutMs ?? DEFAULT_LOOP_POLL_TIMEOUT_MS;
    while (!this.stopRequested && !this.closed) {
      const records = await this.poll(timeoutMs);
      if (options.eachBatch) {
        for (const batch of groupByPartition(records)) {
          try {
            const tp = { topic: batch[0].topic, partition: batch[0].partition };
            await options.eachBatch({ ...tp, records: batch, highWatermark: this.subscriptions.get(tp)?.highWatermark ?? null, lag: this.currentLag(tp) });
          } catch (error) {
            this.rewind(records.slice(records.indexOf(batch[0])));
            throw error;
          }
        }
      }
      if (options.eachRecord) {
        for (let i = 0; i < records.length; i++) {
          try {
            await options.eachRecord(records[i]);
          } catch (error) {
            this.rewind(records.slice(i));
            throw error;
          }
        }
      }
    }
  }

  /** Seeks each partition back to its first record in `records` (records not processed). */
  private rewind(records: readonly { topic: string; partition: number; offset: number }[]): void {
    const seen = new Set<string>();
    for (const record of records) {
      const key = topicPartitionKey(record);
      if (seen.has(key) || !this.subscriptions.isAssigned(record)) continue;
      seen.add(key);
      this.subscriptions.seek(record, record.offset);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new TributaryError('INVALID_REQUEST', 'This consumer has already been closed.', { retriable: false });
  }

  private takeWakeup(): boolean {
    const requested = this.wakeupRequested;
    this.wakeupRequested = false;
    return requested;
  }

  private notifyActivity(): void {
    const waiters = this.activityWaiters;
    this.activityWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private waitForActivity(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: Cancellable | undefined = undefined;
      const done = (): void => {
        timer?.cancel();
        resolve();
      };
      timer = this.scheduler.schedule(timeoutMs, done);
      this.activityWaiters.push(done);
    });
  }

  /** Starts resets for partitions without a position (auto.offset.reset) or with a seekToBeginning/End pending. */
  private updateFetchPositions(): void {
    if (this.resetError) {
      const error = this.resetError;
      this.resetError = undefined;
      throw error;
    }
    const strategy = this.config['auto.offset.reset'];
    const undefinedPositions: string[] = [];
    for (const state of this.subscriptions.all()) {
      if (state.position !== null || state.pendingReset !== null) continue;
      if (strategy === 'none') undefinedPositions.push(topicPartitionKey(state.tp));
      else this.subscriptions.requestReset(state.tp, strategy);
    }
    if (undefinedPositions.length > 0) {
      // Kafka's NoOffsetForPartitionException.
      throw new TributaryError('OFFSET_OUT_OF_RANGE', `Undefined offset with no reset policy for partitions: [${undefinedPositions.join(', ')}]`, { retriable: false });
    }
    this.resetPositionsIfNeeded();
  }

  private resetPositionsIfNeeded(): void {
    if (this.scheduler.monotonicMs() < this.resetRetryAtMs) return;
    const pending = this.subscriptions.all().filter((s) => s.pendingReset !== null && !this.resetsInFlight.has(topicPartitionKey(s.tp)));
    if (pending.length === 0) return;
    const asked = pending.map((s) => ({ state: s, version: s.positionVersion, strategy: s.pendingReset }));
    for (const { state } of asked) this.resetsInFlight.add(topicPartitionKey(state.tp));
    const specs = asked.map(({ state, strategy }) => ({ tp: state.tp, timestamp: strategy === 'earliest' ? OffsetSpec.EARLIEST : OffsetSpec.LATEST }));
    this.offsets
      .lookup(specs, this.scheduler.monotonicMs() + this.config['request.timeout.ms'], this.isolationLevel)
      .then(
        (found) => {
          for (const { state, version } of asked) {
            const hit = found.get(topicPartitionKey(state.tp));
            // Applied only if nothing moved the position meanwhile.
            if (hit && this.subscriptions.get(state.tp) === state && state.positionVersion === version) this.subscriptions.seek(state.tp, hit.offset);
          }
        },
        (error: unknown) => {
          const failure = toTributaryError(error);
          this.resetRetryAtMs = this.scheduler.monotonicMs() + this.config['retry.backoff.ms'];
          if (!failure.retriable) this.resetError = failure;
        },
      )
      .finally(() => {
        for (const { state } of asked) this.resetsInFlight.delete(topicPartitionKey(state.tp));
        this.notifyActivity();
      });
  }

  private async lookup(specs: { tp: TopicPartition; timestamp: number }[], timeoutMs: number): Promise<Map<string, OffsetAndTimestamp | null>> {
    this.ensureOpen();
    return keepAliveWhile(this.keepAlive, this.offsets.lookup(specs, this.scheduler.monotonicMs() + timeoutMs, this.isolationLevel));
  }

  private async listSpecial(partitions: readonly TopicPartition[], timestamp: number, timeoutMs: number): Promise<(TopicPartition & { offset: number })[]> {
    const found = await this.lookup(partitions.map((tp) => ({ tp, timestamp })), timeoutMs);
    return partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(topicPartitionKey(tp))?.offset ?? -1 }));
  }

  /** Interceptors, deserialization and the poll span for records leaving poll. */
  private async deliver(raw: RawConsumerRecord[]): Promise<ConsumerRecord<K, V>[]> {
    const intercepted = (await this.hooks.chain(this.interceptors, raw as readonly RawConsumerRecord[], (i, r) => i.onConsume(r) as readonly RawConsumerRecord[], consumerRecordsProblem, 'consumer interceptor onConsume')) as readonly RawConsumerRecord[];
    const links: Link[] = [];
    const linked = new Set<string>();
    const records: ConsumerRecord<K, V>[] = [];
    for (let i = 0; i < intercepted.length; i++) {
      const r = intercepted[i];
      let key: K;
      let value: V;
      try {
        key = this.deserializeKey(r.key, r.topic, r.headers);
        value = this.deserializeValue(r.value, r.topic, r.headers);
      } catch (error) {
        const failure = toTributaryError(error);
        // Kafka: records before the bad one are returned; the position stays at the bad one.
        this.rewind(intercepted.slice(i).filter((x) => x.topic === r.topic && x.partition === r.partition));
        const rest = intercepted.slice(i + 1).filter((x) => x.topic !== r.topic || x.partition !== r.partition);
        this.rewind(rest);
        if (records.length > 0) break;
        throw new RecordDeserializationError(failure.code, `Error deserializing key/value for partition ${r.topic}-${r.partition} at offset ${r.offset}: ${failure.message}`, r.topic, r.partition, r.offset);
      }
      records.push({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestampMs,
        timestampType: r.timestampType ?? 'CreateTime',
        key,
        value,
        headers: r.headers,
        leaderEpoch: r.leaderEpoch ?? -1,
        serializedKeySize: r.key?.length ?? -1,
        serializedValueSize: r.value?.length ?? -1,
      });
      const parent = extractRecordTraceContext(r.headers);
      if (parent && links.length < MAX_POLL_SPAN_LINKS && !linked.has(parent.spanId)) {
        linked.add(parent.spanId);
        links.push({ context: parent });
      }
    }
    const span = this.tracer.startSpan('poll', {
      kind: SpanKind.CONSUMER,
      links,
      attributes: { 'messaging.system': 'tributary', 'messaging.operation.type': 'receive', 'messaging.batch.message_count': records.length },
    });
    span.end();
    return records;
  }
}

function groupByPartition<T extends { topic: string; partition: number }>(records: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const key = topicPartitionKey(record);
    const group = groups.get(key) ?? [];
    group.push(record);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Creates a consumer: `createConsumer<string, Order>({ 'bootstrap.servers': 'localhost:9290', 'value.deserializer': 'json' }, deps)`. */
export function createConsumer<K = Uint8Array, V = Uint8Array>(config: ConsumerConfigInput, deps: ClientDeps = {}): Consumer<K, V> {
  return new Consumer<K, V>(config, deps);
}
