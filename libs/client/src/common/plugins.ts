import type {
  ConsumerInterceptor,
  Partitioner,
  ProducerInterceptor,
  ConsumerRecord as SpiConsumerRecord,
  ProducerRecord as SpiProducerRecord,
} from '@tributary/plugins-api';
import { describeConsumerRecordsProblem, describeProducerRecordProblem } from '@tributary/plugins-api';
import type { Scheduler } from '@tributary/util';
import type { RecordHeader } from './batch-codec';
import type { ClientLogger } from './client-deps';
import { withTimeout } from './deadline';
import { TributaryError } from '@tributary/errors';

export type { ConsumerInterceptor, Partitioner, ProducerInterceptor };

/** Per-call bound of async interceptor hooks (the SPI's default hookTimeoutMs). */
export const HOOK_TIMEOUT_MS = 1000;

/** A record as the application sends it (typed key and value; serialized by key.serializer/value.serializer). */
export interface ProducerRecord<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition?: number;
  readonly key?: K | null;
  readonly value: V | null;
  readonly headers?: Readonly<Record<string, string | Uint8Array | null>> | readonly { readonly key: string; readonly value: string | Uint8Array | null }[];
  /** CreateTime in ms since the epoch; defaults to now. */
  readonly timestamp?: number;
}

/** Where an acknowledged record landed. `offset` is -1 with acks=0. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's CreateTime, or the broker's LogAppendTime when the topic uses it. */
  readonly timestamp: number;
  readonly serializedKeySize: number;
  readonly serializedValueSize: number;
}

/** A record as `poll` returns it (deserialized by key.deserializer/value.deserializer). */
export interface ConsumerRecord<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly key: K;
  readonly value: V;
  readonly headers: readonly RecordHeader[];
  /** The partition leader epoch of the batch, -1 if unknown. */
  readonly leaderEpoch: number;
  readonly serializedKeySize: number;
  readonly serializedValueSize: number;
}

export function isPartitioner(value: unknown): value is Partitioner {
  return typeof value === 'object' && value !== null && typeof (value as Partitioner).partition === 'function';
}

export function isProducerInterceptor(value: unknown): value is ProducerInterceptor {
  return typeof value === 'object' && value !== null && typeof (value as ProducerInterceptor).onSend === 'function';
}

export function isConsumerInterceptor(value: unknown): value is ConsumerInterceptor {
  return typeof value === 'object' && value !== null && typeof (value as ConsumerInterceptor).onConsume === 'function';
}

type MaybePromise<T> = T | Promise<T>;

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** How the engines call plugin hooks: fail-open, async hooks bounded by HOOK_TIMEOUT_MS, errors logged. */
export class HookRunner {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly logger: ClientLogger,
  ) {}

  /**
   * Runs `hook` on `input` through each plugin in order. A hook that throws,
   * rejects, times out or returns something `problem` rejects leaves the
   * value as that plugin received it. Stays synchronous while every hook is.
   */
  chain<P, T>(plugins: readonly P[], input: T, hook: (plugin: P, value: T) => MaybePromise<T> | undefined, problem: (value: unknown) => string | null, what: string): MaybePromise<T> {
    let value = input;
    for (let i = 0; i < plugins.length; i++) {
      let out: MaybePromise<T> | undefined;
      try {
        out = hook(plugins[i], value);
      } catch (error) {
        this.logger.warn(`${what} failed; continuing with the record as it was`, error);
        continue;
      }
      if (out === undefined) continue;
      if (isPromise(out)) {
        const rest = plugins.slice(i + 1);
        const before = value;
        return this.bounded(out, what).then((resolved) => this.chain(rest, this.accept(resolved, before, problem, what), hook, problem, what));
      }
      value = this.accept(out, value, problem, what);
    }
    return value;
  }

  /** Calls a notification hook on every plugin; errors and rejections are logged, never thrown. */
  notify<P>(plugins: readonly P[], hook: (plugin: P) => MaybePromise<void> | undefined, what: string): void {
    for (const plugin of plugins) {
      try {
        const out = hook(plugin);
        if (isPromise(out)) this.bounded(out, what).catch(() => undefined);
      } catch (error) {
        this.logger.warn(`${what} failed`, error);
      }
    }
  }

  private accept<T>(out: unknown, before: T, problem: (value: unknown) => string | null, what: string): T {
    if (out === FAILED) return before;
    const why = problem(out);
    if (why === null) return out as T;
    this.logger.warn(`${what} returned an invalid value (${why}); continuing with the record as it was`);
    return before;
  }

  /** The hook's result, or FAILED (logged) when it rejects or outlives HOOK_TIMEOUT_MS. */
  private bounded<T>(promise: Promise<T>, what: string): Promise<T | typeof FAILED> {
    return withTimeout(promise, this.scheduler, HOOK_TIMEOUT_MS, what).catch((error: unknown) => {
      this.logger.warn(error instanceof TributaryError && error.codeName === 'REQUEST_TIMED_OUT' ? error.message : `${what} failed`, error);
      return FAILED;
    });
  }
}

const FAILED: unique symbol = Symbol('hook failed');

export const producerRecordProblem = describeProducerRecordProblem;
export const consumerRecordsProblem = describeConsumerRecordsProblem;
export type { SpiConsumerRecord, SpiProducerRecord };
