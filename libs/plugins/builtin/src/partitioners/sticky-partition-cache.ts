import type { PartitionerCluster, PluginPrng } from '@tributary/plugins-api';

/**
 * The sticky choice for keyless records, per topic (Kafka's
 * StickyPartitionCache, KIP-480): keep sending to one partition until a batch
 * to it is complete, then move to another partition chosen at random among the
 * available ones (never the same one again when there is a choice).
 */
export class StickyPartitionCache {
  private readonly current = new Map<string, number>();

  constructor(private readonly prng: PluginPrng) {}

  /** The sticky partition for `topic`, choosing one first if there is none (or it no longer exists). */
  partition(topic: string, cluster: PartitionerCluster): number {
    const sticky = this.current.get(topic);
    if (sticky !== undefined && sticky < cluster.partitionCount) return sticky;
    return this.nextPartition(topic, cluster, sticky ?? -1);
  }

  /**
   * Moves off `prevPartition` (the partition whose batch just filled). Only
   * changes the choice if `prevPartition` is still the sticky one, so several
   * new-batch signals for the same batch switch only once.
   */
  nextPartition(topic: string, cluster: PartitionerCluster, prevPartition: number): number {
    const old = this.current.get(topic);
    if (old !== undefined && old !== prevPartition && old < cluster.partitionCount) return old;
    const available = cluster.availablePartitions;
    let next: number;
    if (available.length === 0) {
      next = this.randomIndex(cluster.partitionCount);
    } else if (available.length === 1) {
      next = available[0];
    } else {
      // Uniform over the available partitions other than the old one (Kafka
      // redraws until it differs; filtering first gives the same distribution
      // and cannot spin on a degenerate PRNG).
      const others = available.filter((p) => p !== old);
      next = others[this.randomIndex(others.length)];
    }
    this.current.set(topic, next);
    return next;
  }

  private randomIndex(bound: number): number {
    return this.prng.intBetween(0, bound - 1);
  }
}
