import { TributaryError } from '@tributary/errors';
import { allocateProducerIds } from '@tributary/metadata';
import type { LocalController } from './local-controller';

/**
 * Hands out producer ids from blocks the controller allocates durably
 * (ProducerIdsRecord in the metadata log, PRODUCER_ID_BLOCK_SIZE ids each):
 * an id is never handed out twice, even across restarts, because a restart
 * starts from a fresh block.
 */
export class ProducerIdManager {
  private next = 0;
  private end = 0;
  private refill: Promise<void> | undefined;

  constructor(
    private readonly controller: LocalController,
    private readonly brokerId: number,
  ) {}

  /** The next unused producer id. Throws TributaryError when no block can be allocated. */
  async generateProducerId(): Promise<number> {
    while (this.next >= this.end) {
      this.refill ??= this.allocateBlock().finally(() => {
        this.refill = undefined;
      });
      await this.refill;
    }
    return this.next++;
  }

  private async allocateBlock(): Promise<void> {
    const result = await this.controller.run((image) => {
      const registration = image.brokers.get(this.brokerId);
      return allocateProducerIds(image, { brokerId: this.brokerId, brokerEpoch: registration?.brokerEpoch ?? -1 });
    });
    if (result.errorCode !== 0) throw new TributaryError(result.errorCode, result.errorMessage ?? 'producer id allocation failed');
    this.next = result.producerIdStart;
    this.end = result.producerIdStart + result.producerIdLen;
  }
}
