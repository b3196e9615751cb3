import { assert } from '@tributary/util';

/**
 * buffer.memory accounting. Every open batch reserves max(batch.size, its
 * first record) bytes until it completes, as Kafka's BufferPool does, so at
 * most buffer.memory bytes of batches exist at once. Waiting is done by the
 * producer's append queue (FIFO, bounded by max.block.ms); the pool tells it
 * when memory comes back.
 */
export class BufferPool {
  private availableBytes: number;
  private waiting = false;

  constructor(
    readonly totalBytes: number,
    private readonly onFreed: () => void,
  ) {
    this.availableBytes = totalBytes;
  }

  get available(): number {
    return this.availableBytes;
  }

  /** True while an append waits for memory (Kafka's "exhausted": batches are then sent without lingering). */
  get exhausted(): boolean {
    return this.waiting;
  }

  /** Reserves `bytes` if available now; otherwise marks the pool exhausted and returns false. */
  tryAllocate(bytes: number): boolean {
    assert(bytes <= this.totalBytes, () => `cannot allocate ${bytes} bytes from a pool of ${this.totalBytes}`);
    if (bytes > this.availableBytes) {
      this.waiting = true;
      return false;
    }
    this.availableBytes -= bytes;
    return true;
  }

  /** The waiting append gave up or got its memory. */
  clearWaiting(): void {
    this.waiting = false;
  }

  deallocate(bytes: number): void {
    this.availableBytes += bytes;
    assert(this.availableBytes <= this.totalBytes, 'deallocated more than was allocated');
    if (this.waiting) this.onFreed();
  }
}
