/** Something whose in-memory indexes can be dropped and reloaded from disk. */
export interface EvictableIndexes {
  /** Approximate bytes the loaded indexes hold. */
  indexMemoryBytes(): number;
  /** Drops the loaded indexes (they are on disk and will be reloaded on demand). */
  dropIndexes(): void;
}

/**
 * Bounds the memory of closed segments' loaded indexes: least recently used
 * ones are dropped past `maxBytes`. Active segments are never registered.
 */
export class IndexCache {
  private readonly entries = new Map<EvictableIndexes, number>();
  private totalBytes = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Marks `segment` as just used (registering it if new) and evicts past the bound. */
  touch(segment: EvictableIndexes): void {
    const old = this.entries.get(segment);
    if (old !== undefined) {
      this.entries.delete(segment);
      this.totalBytes -= old;
    }
    const bytes = segment.indexMemoryBytes();
    this.entries.set(segment, bytes);
    this.totalBytes += bytes;
    for (const [s, b] of this.entries) {
      if (this.totalBytes <= this.maxBytes || s === segment) break;
      this.entries.delete(s);
      this.totalBytes -= b;
      s.dropIndexes();
    }
  }

  /** Unregisters without dropping (the segment became active, or was deleted). */
  remove(segment: EvictableIndexes): void {
    const old = this.entries.get(segment);
    if (old === undefined) return;
    this.entries.delete(segment);
    this.totalBytes -= old;
  }
}
