import { type ClusterImage, isBrokerLive } from '../image/cluster-image';
import { makeRecord, type PartitionRecord } from '../records/metadata-record';
import { type ApiError, apiError } from './controller-result';

/**
 * Kafka's validateManualPartitionAssignment: a non-empty list of distinct,
 * registered brokers, of `replicationFactor` replicas when one is required.
 * Returns the INVALID_REPLICA_ASSIGNMENT error, or null.
 */
export function manualAssignmentError(image: ClusterImage, brokerIds: readonly number[], replicationFactor?: number): ApiError | null {
  if (brokerIds.length === 0) {
    return apiError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
  }
  const sorted = [...brokerIds].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (!image.brokers.has(sorted[i])) {
      return apiError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${sorted[i]}, but no such broker is registered.`);
    }
    if (i > 0 && sorted[i] === sorted[i - 1]) {
      return apiError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${sorted[i]} more than once.`);
    }
  }
  if (replicationFactor !== undefined && brokerIds.length !== replicationFactor) {
    return apiError(
      'INVALID_REPLICA_ASSIGNMENT',
      `The manual partition assignment includes a partition with ${brokerIds.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    );
  }
  return null;
}

/**
 * The PartitionRecord of a new partition on `replicas`: as Kafka, the ISR is
 * the live (unfenced) replicas in order and the leader the first of them, at
 * leaderEpoch 0. When no replica is live the assignment is refused.
 */
export function newPartitionRecord(image: ClusterImage, topicId: string, partitionId: number, replicas: readonly number[]): PartitionRecord | ApiError {
  const isr = replicas.filter((id) => isBrokerLive(image, id));
  if (isr.length === 0) {
    return apiError(
      'INVALID_REPLICA_ASSIGNMENT',
      `All brokers specified in the manual partition assignment for partition ${partitionId} are fenced or in controlled shutdown.`,
    );
  }
  return makeRecord('PartitionRecord', {
    partitionId,
    topicId,
    replicas: [...replicas],
    isr,
    removingReplicas: [],
    addingReplicas: [],
    leader: isr[0],
    leaderEpoch: 0,
    partitionEpoch: 0,
  });
}

export function isApiError(value: object): value is ApiError {
  return 'errorCode' in value;
}

/** Kafka's message when too few live brokers exist for a replication factor. */
export function tooFewBrokers(replicationFactor: number, liveBrokers: number): ApiError {
  return apiError(
    'INVALID_REPLICATION_FACTOR',
    `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${liveBrokers} broker(s) are registered.`,
  );
}
