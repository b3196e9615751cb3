import type { ClusterImage } from '../image/cluster-image';
import { makeRecord, type ProducerIdsRecord } from '../records/metadata-record';
import { type ApiError, apiError, type ControllerResult } from './controller-result';

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

export interface AllocateProducerIdsRequest {
  readonly brokerId: number;
  readonly brokerEpoch: number;
}

/** Kafka's AllocateProducerIdsResponse: the block [producerIdStart, producerIdStart + producerIdLen). */
export interface AllocateProducerIdsResult extends ApiError {
  readonly producerIdStart: number;
  readonly producerIdLen: number;
}

/**
 * Hands the broker the next block of PRODUCER_ID_BLOCK_SIZE producer ids. The
 * block is durable once its ProducerIdsRecord is in the log, so no id is ever
 * handed out twice, even across controller restarts. A broker that is not
 * registered, or not with that epoch, gets STALE_BROKER_EPOCH.
 */
export function allocateProducerIds(image: ClusterImage, request: AllocateProducerIdsRequest): ControllerResult<AllocateProducerIdsResult> {
  const fail = (error: ApiError): ControllerResult<AllocateProducerIdsResult> => ({ records: [], results: { ...error, producerIdStart: -1, producerIdLen: -1 } });
  const registration = image.brokers.get(request.brokerId);
  if (!registration) return fail(apiError('STALE_BROKER_EPOCH', `No broker registration found for broker ${request.brokerId}`));
  if (registration.brokerEpoch !== request.brokerEpoch) {
    return fail(apiError('STALE_BROKER_EPOCH', `Expected broker epoch ${registration.brokerEpoch}, but got broker epoch ${request.brokerEpoch}`));
  }
  const first = image.nextProducerId;
  if (first > Number.MAX_SAFE_INTEGER - PRODUCER_ID_BLOCK_SIZE) return fail(apiError('UNKNOWN_SERVER_ERROR', 'Exhausted all producerIds.'));
  const record: ProducerIdsRecord = makeRecord('ProducerIdsRecord', {
    brokerId: request.brokerId,
    brokerEpoch: request.brokerEpoch,
    nextProducerId: first + PRODUCER_ID_BLOCK_SIZE,
  });
  return { records: [record], results: { errorCode: 0, errorMessage: null, producerIdStart: first, producerIdLen: PRODUCER_ID_BLOCK_SIZE } };
}
