import {
  type Assignment,
  type AssignmentInput,
  type Assignor,
  type CleanupPlan,
  type CleanupPolicy,
  type CommittedOffset,
  type ConformanceViolation,
  type ConsumerInterceptor,
  type ConsumerRecord,
  type PartitionLogView,
  type Partitioner,
  type PartitionerCluster,
  type PartitionerRecord,
  type PluginLogger,
  type ProducerInterceptor,
  type ProducerRecord,
  type RecordMetadata,
  describeConsumerRecordsProblem,
  describeProducerRecordProblem,
  validateAssignment,
  validateCleanupPlan,
} from '@tributary/plugins-api';
import { isPluginError } from './plugin-error';
import type { PluginIdentity, PluginInvoker } from './plugin-invoker';

/**
 * Guarded plugins: what the rest of Tributary calls instead of a plugin
 * instance. Each method documents its failure mode:
 *
 * | hook | on throw / bad result / timeout |
 * |---|---|
 * | partitioner.partition | fail-closed: PluginError, the send fails (no safe partition to guess) |
 * | partitioner.onNewBatch | fail-open: logged; the sticky choice stays as it was |
 * | producer onSend | fail-open: logged; the record continues as this interceptor received it (Kafka) |
 * | producer onAcknowledgement | fail-open: logged and ignored (Kafka) |
 * | consumer onConsume | fail-open: logged; the records continue as received (Kafka) |
 * | consumer onCommit | fail-open: logged and ignored (Kafka) |
 * | assignor.assign | fail-closed: PluginError (also for an invalid assignment); the rebalance fails rather than lose or double-assign partitions |
 * | cleanupPolicy.plan | fail-closed: PluginError (also for a plan touching the active segment); storage skips cleanup this round, which loses nothing |
 * | create, close | create fails closed (the plugin cannot be used); close fails open |
 */
abstract class GuardedPlugin<I extends object> {
  constructor(
    protected readonly instance: I,
    protected readonly invoker: PluginInvoker,
    protected readonly logger: PluginLogger,
  ) {}

  get identity(): PluginIdentity {
    return this.invoker.identity;
  }

  /** Releases the plugin (fail-open, bounded by the hook timeout). */
  async close(): Promise<void> {
    // Every kind may have an optional close(); CleanupPolicy's contract predates it, hence the structural read.
    const instance = this.instance as { close?: () => unknown };
    if (typeof instance.close !== 'function') return;
    await this.failOpen('close', () => this.invoker.callAsync('close', () => instance.close?.()), undefined);
  }

  protected async failOpen<T>(hook: string, call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logFailOpen(hook, error);
      return fallback;
    }
  }

  protected logFailOpen(hook: string, error: unknown): void {
    this.logger.warn(`plugin ${hook}() failed; continuing without it (fail-open)`, {
      hook,
      error: error instanceof Error ? error.message : String(error),
      code: isPluginError(error) ? error.codeName : undefined,
    });
  }
}

export class GuardedPartitioner extends GuardedPlugin<Partitioner> {
  /** Fail-closed: throws PluginError if the plugin throws or returns anything but an integer in [0, partitionCount). */
  partition(record: PartitionerRecord, cluster: PartitionerCluster): number {
    return this.invoker.callSync(
      'partition',
      () => this.instance.partition(record, cluster),
      (p) => (Number.isInteger(p) && p >= 0 && p < cluster.partitionCount ? null : `${String(p)}, not a partition in [0, ${cluster.partitionCount})`),
    );
  }

  /** Fail-open. */
  onNewBatch(topic: string, cluster: PartitionerCluster, prevPartition: number): void {
    const instance = this.instance;
    if (typeof instance.onNewBatch !== 'function') return;
    try {
      this.invoker.callSync('onNewBatch', () => instance.onNewBatch?.(topic, cluster, prevPartition));
    } catch (error) {
      this.logFailOpen('onNewBatch', error);
    }
  }
}

export class GuardedProducerInterceptor extends GuardedPlugin<ProducerInterceptor> {
  /** Fail-open: resolves to the intercepted record, or to `record` itself when the interceptor fails. Never rejects. */
  onSend(record: ProducerRecord): Promise<ProducerRecord> {
    return this.failOpen('onSend', () => this.invoker.callAsync('onSend', () => this.instance.onSend(record), describeProducerRecordProblem), record);
  }

  /** Fail-open. Never rejects. */
  async onAcknowledgement(metadata: RecordMetadata | null, error: Error | null): Promise<void> {
    const instance = this.instance;
    if (typeof instance.onAcknowledgement !== 'function') return;
    await this.failOpen('onAcknowledgement', () => this.invoker.callAsync('onAcknowledgement', () => instance.onAcknowledgement?.(metadata, error)), undefined);
  }
}

export class GuardedConsumerInterceptor extends GuardedPlugin<ConsumerInterceptor> {
  /** Fail-open: resolves to the intercepted records, or to `records` themselves when the interceptor fails. Never rejects. */
  onConsume(records: readonly ConsumerRecord[]): Promise<readonly ConsumerRecord[]> {
    return this.failOpen('onConsume', () => this.invoker.callAsync('onConsume', () => this.instance.onConsume(records), describeConsumerRecordsProblem), records);
  }

  /** Fail-open. Never rejects. */
  async onCommit(offsets: readonly CommittedOffset[]): Promise<void> {
    const instance = this.instance;
    if (typeof instance.onCommit !== 'function') return;
    await this.failOpen('onCommit', () => this.invoker.callAsync('onCommit', () => instance.onCommit?.(offsets)), undefined);
  }
}

export class GuardedAssignor extends GuardedPlugin<Assignor> {
  get name(): string {
    return this.instance.name;
  }

  /** Fail-closed: throws PluginError if the plugin throws or its assignment breaks `validateAssignment`. */
  assign(input: AssignmentInput): Assignment {
    return this.invoker.callSync('assign', () => this.instance.assign(input), (result) => summarize(validateAssignment(input, result), 'an invalid assignment'));
  }
}

export class GuardedCleanupPolicy extends GuardedPlugin<CleanupPolicy> {
  get name(): string {
    return this.instance.name;
  }

  /** Fail-closed: throws PluginError if the plugin throws or its plan breaks `validateCleanupPlan`; the caller then skips cleanup. */
  plan(view: PartitionLogView): CleanupPlan {
    return this.invoker.callSync('plan', () => this.instance.plan(view), (plan) => summarize(validateCleanupPlan(view, plan), 'an invalid plan'));
  }
}

function summarize(violations: readonly ConformanceViolation[], what: string): string | null {
  if (violations.length === 0) return null;
  const shown = violations.slice(0, 3).map((v) => `${v.rule}: ${v.message}`);
  return `${what} (${shown.join('; ')}${violations.length > 3 ? `; +${violations.length - 3} more` : ''})`;
}

/** Kafka's interceptor list semantics: each sees the previous one's output; a failing one is skipped (fail-open). */
export class ProducerInterceptorChain {
  constructor(readonly interceptors: readonly GuardedProducerInterceptor[]) {}

  async onSend(record: ProducerRecord): Promise<ProducerRecord> {
    let current = record;
    for (const interceptor of this.interceptors) current = await interceptor.onSend(current);
    return current;
  }

  async onAcknowledgement(metadata: RecordMetadata | null, error: Error | null): Promise<void> {
    for (const interceptor of this.interceptors) await interceptor.onAcknowledgement(metadata, error);
  }

  async close(): Promise<void> {
    for (const interceptor of this.interceptors) await interceptor.close();
  }
}

export class ConsumerInterceptorChain {
  constructor(readonly interceptors: readonly GuardedConsumerInterceptor[]) {}

  async onConsume(records: readonly ConsumerRecord[]): Promise<readonly ConsumerRecord[]> {
    let current = records;
    for (const interceptor of this.interceptors) current = await interceptor.onConsume(current);
    return current;
  }

  async onCommit(offsets: readonly CommittedOffset[]): Promise<void> {
    for (const interceptor of this.interceptors) await interceptor.onCommit(offsets);
  }

  async close(): Promise<void> {
    for (const interceptor of this.interceptors) await interceptor.close();
  }
}
