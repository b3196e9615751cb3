import { ErrorCode, toTributaryError } from '@tributary/errors';
import type { InitProducerIdRequest, InitProducerIdResponse } from '@tributary/proto';
import type { ProducerIdManager } from '../metadata/producer-id-manager';

/**
 * InitProducerId for idempotent producers: a fresh producer id (from a
 * durably allocated block) at epoch 0. Transactional ids need the
 * transaction coordinator, which comes later.
 */
export class InitProducerIdHandler {
  constructor(private readonly producerIds: ProducerIdManager) {}

  async handle(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    const fail = (errorCode: number, errorMessage: string): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, producerId: -1, producerEpoch: -1 });
    if (request.transactionalId !== '') return fail(ErrorCode.INVALID_REQUEST, 'transactional producers are not supported by this broker yet');
    try {
      const producerId = await this.producerIds.generateProducerId();
      return { throttleTimeMs: 0, errorCode: 0, errorMessage: '', producerId, producerEpoch: 0 };
    } catch (error) {
      const e = toTributaryError(error);
      return fail(e.code, e.message);
    }
  }
}
