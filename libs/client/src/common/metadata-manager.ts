import { ErrorCode, toTributaryError, type TributaryError } from '@tributary/errors';
import type { Cancellable, Prng, Scheduler } from '@tributary/util';
import type { ClientTransport, NodeTarget } from '../transport/transport';
import { backoffMs } from './backoff';
import { ClusterView } from './cluster-view';
import { withTimeout } from './deadline';

export interface MetadataManagerOptions {
  readonly transport: ClientTransport;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly bootstrap: readonly NodeTarget[];
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** metadata.max.age.ms: refresh at least this often while topics are tracked. */
  readonly metadataMaxAgeMs: number;
  readonly allowAutoTopicCreation: boolean;
  /** Told about every failed metadata request (for logging). */
  readonly onError?: (error: TributaryError) => void;
}

/**
 * Keeps a `ClusterView` of the topics the client uses, fresh: one Metadata
 * request at a time, round-robin over known brokers (bootstrap servers until
 * the first answer), with exponential backoff after failures, a refresh when
 * asked (`requestUpdate`, e.g. after NOT_LEADER_OR_FOLLOWER; at most one per
 * retry.backoff.ms) and at least every metadata.max.age.ms.
 */
export class MetadataManager {
  private view = ClusterView.EMPTY;
  private updateVersion = 0;
  private readonly topics = new Set<string>();
  private inFlight = false;
  private updateRequested = false;
  private failures = 0;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private nextNodeIndex = 0;
  private timer: Cancellable | undefined;
  private closed = false;
  private waiters: (() => void)[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly options: MetadataManagerOptions) {}

  get cluster(): ClusterView {
    return this.view;
  }

  /** Increases by one with every successful update. */
  get version(): number {
    return this.updateVersion;
  }

  /** Calls `listener` after every successful update. */
  onUpdate(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Tracks `topics`; a topic not yet known triggers an update. */
  addTopics(topics: Iterable<string>): void {
    let added = false;
    for (const topic of topics) {
      if (!this.topics.has(topic)) {
        this.topics.add(topic);
        added = true;
      }
    }
    if (added) this.requestUpdate();
  }

  /** Replaces the tracked topics (consumer assignment changes). */
  setTopics(topics: Iterable<string>): void {
    const next = new Set(topics);
    const grew = [...next].some((t) => !this.topics.has(t));
    this.topics.clear();
    for (const t of next) this.topics.add(t);
    this.view = this.view.retainTopics(this.topics);
    if (grew) this.requestUpdate();
  }

  trackedTopics(): string[] {
    return [...this.topics];
  }

  /** Asks for an update as soon as the backoff allows. */
  requestUpdate(): void {
    if (this.closed) return;
    this.updateRequested = true;
    this.schedule();
  }

  /** Resolves after the next successful update (or at close). */
  waitForUpdate(): Promise<void> {
    this.requestUpdate();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.releaseWaiters();
  }

  private schedule(): void {
    if (this.closed || this.inFlight) return;
    const now = this.options.scheduler.monotonicMs();
    // Requested updates are spaced by retry.backoff.ms (exponential after failures), as Kafka's metadata refresh backoff.
    const dueMs = this.updateRequested
      ? this.lastAttemptMs + (this.failures > 0 ? this.currentBackoffMs() : this.options.retryBackoffMs)
      : this.lastAttemptMs + this.options.metadataMaxAgeMs;
    this.timer?.cancel();
    this.timer = this.options.scheduler.schedule(Math.max(0, dueMs - now), () => {
      this.timer = undefined;
      this.sendRequest();
    });
  }

  private currentBackoffMs(): number {
    return backoffMs(this.failures - 1, this.options.retryBackoffMs, this.options.retryBackoffMaxMs, this.options.prng);
  }

  private pickNode(): NodeTarget {
    const nodes = this.view.nodes();
    const candidates = nodes.length > 0 ? nodes : this.options.bootstrap;
    return candidates[this.nextNodeIndex++ % candidates.length];
  }

  private sendRequest(): void {
    if (this.closed || this.inFlight) return;
    if (this.topics.size === 0 && !this.updateRequested) return;
    this.inFlight = true;
    this.updateRequested = false;
    this.lastAttemptMs = this.options.scheduler.monotonicMs();
    const { transport, scheduler, requestTimeoutMs, allowAutoTopicCreation } = this.options;
    const target = this.pickNode();
    const request = { topics: [...this.topics], allowAutoTopicCreation };
    withTimeout(transport.metadata(target, request, { timeoutMs: requestTimeoutMs }), scheduler, requestTimeoutMs, 'Metadata request').then(
      (response) => {
        this.inFlight = false;
        this.failures = 0;
        this.view = this.view.merge(response).retainTopics(this.topics);
        this.updateVersion++;
        // A topic the broker is still creating (LEADER_NOT_AVAILABLE) or a leader-less partition: ask again soon.
        if (response.topics.some((t) => t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE || t.partitions.some((p) => p.leaderId < 0))) {
          this.updateRequested = true;
          this.failures = 1;
        }
        this.releaseWaiters();
        for (const listener of this.listeners) listener();
        this.schedule();
      },
      (error: unknown) => {
        this.inFlight = false;
        this.failures++;
        this.updateRequested = true;
        this.options.onError?.(toTributaryError(error, 'NETWORK_EXCEPTION'));
        this.schedule();
      },
    );
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
