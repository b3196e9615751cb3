import { TributaryError } from '@tributary/errors';
import { topicPartitionKey, type TopicPartition } from '@tributary/util';

export type ResetStrategy = 'earliest' | 'latest';

/** What the consumer knows of one assigned partition. */
export interface PartitionState {
  readonly tp: TopicPartition;
  /** The next offset to return; null until known. */
  position: number | null;
  /** Bumped on every seek/reset, so answers to older fetches can be told apart. */
  positionVersion: number;
  paused: boolean;
  /** Set while the position must be looked up with ListOffsets. */
  pendingReset: ResetStrategy | null;
  highWatermark: number | null;
  lastStableOffset: number | null;
  logStartOffset: number | null;
}

/** The consumer's assignment, positions, pauses and pending resets (Kafka's SubscriptionState, manual assignment). */
export class SubscriptionState {
  private readonly partitions = new Map<string, PartitionState>();

  /** Replaces the assignment; partitions kept keep their position. */
  assign(tps: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    for (const tp of tps) {
      const key = topicPartitionKey(tp);
      next.set(key, this.partitions.get(key) ?? {
        tp: { topic: tp.topic, partition: tp.partition },
        position: null,
        positionVersion: 0,
        paused: false,
        pendingReset: null,
        highWatermark: null,
        lastStableOffset: null,
        logStartOffset: null,
      });
    }
    this.partitions.clear();
    for (const [key, state] of next) this.partitions.set(key, state);
  }

  assigned(): TopicPartition[] {
    return [...this.partitions.values()].map((s) => s.tp);
  }

  all(): PartitionState[] {
    return [...this.partitions.values()];
  }

  isAssigned(tp: TopicPartition): boolean {
    return this.partitions.has(topicPartitionKey(tp));
  }

  get(tp: TopicPartition): PartitionState | undefined {
    return this.partitions.get(topicPartitionKey(tp));
  }

  /** The state of an assigned partition; INVALID_REQUEST (Kafka's IllegalStateException) otherwise. */
  require(tp: TopicPartition, action: string): PartitionState {
    const state = this.get(tp);
    if (!state) throw new TributaryError('INVALID_REQUEST', `No current assignment for partition ${topicPartitionKey(tp)} (${action})`, { retriable: false });
    return state;
  }

  seek(tp: TopicPartition, offset: number): void {
    const state = this.require(tp, 'seek');
    state.position = offset;
    state.pendingReset = null;
    state.positionVersion++;
  }

  requestReset(tp: TopicPartition, strategy: ResetStrategy): void {
    const state = this.require(tp, 'reset');
    state.pendingReset = strategy;
    state.positionVersion++;
  }

  /** Assigned, not paused, with a known position. */
  isFetchable(state: PartitionState): boolean {
    return !state.paused && state.position !== null && state.pendingReset === null;
  }
}
