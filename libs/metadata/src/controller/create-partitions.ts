import type { Prng } from '@tributary/util';
import { type ClusterImage, liveBrokerIds } from '../image/cluster-image';
import type { PartitionRecord } from '../records/metadata-record';
import { type ApiError, apiError, type ControllerResult, MAX_RECORDS_PER_USER_OP } from './controller-result';
import { isApiError, manualAssignmentError, newPartitionRecord, tooFewBrokers } from './partition-assignment';
import { placeReplicas } from './replica-placement';

export interface CreatePartitionsTopic {
  readonly name: string;
  /** The new total partition count; must be larger than the current one. */
  readonly count: number;
  /** Replicas for each new partition (count - current of them), or null/absent for automatic placement. */
  readonly assignments?: readonly (readonly number[])[] | null;
}

export interface CreatePartitionsRequest {
  readonly topics: readonly CreatePartitionsTopic[];
  readonly validateOnly?: boolean;
}

export interface CreatePartitionsContext {
  readonly prng: Prng;
}

export interface CreatePartitionsResult extends ApiError {
  readonly name: string;
}

/**
 * Validates a CreatePartitions request as Kafka's controller does and returns
 * a PartitionRecord for each new partition, with one result per requested
 * topic in request order. New partitions get the replication factor of the
 * topic's partition 0.
 */
export function createPartitions(image: ClusterImage, request: CreatePartitionsRequest, ctx: CreatePartitionsContext): ControllerResult<CreatePartitionsResult[]> {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const records: PartitionRecord[] = [];
  const results = request.topics.map((topic): CreatePartitionsResult => {
    const outcome = (counts.get(topic.name) ?? 0) > 1 ? apiError('INVALID_REQUEST', 'Duplicate topic name.') : addPartitions(image, topic, ctx, records.length);
    if (isApiError(outcome)) return { name: topic.name, ...outcome };
    if (request.validateOnly !== true) records.push(...outcome);
    return { name: topic.name, errorCode: 0, errorMessage: null };
  });
  return { records, results };
}

function addPartitions(image: ClusterImage, request: CreatePartitionsTopic, ctx: CreatePartitionsContext, recordsSoFar: number): PartitionRecord[] | ApiError {
  const topic = image.topicsByName.get(request.name);
  if (!topic) return apiError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${request.name}' does not exist.`);
  const current = topic.partitions.length;
  if (!Number.isInteger(request.count)) return apiError('INVALID_PARTITIONS', `Partition count ${request.count} is not an integer.`);
  if (request.count === current) return apiError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
  if (request.count < current) {
    return apiError('INVALID_PARTITIONS', `The topic ${request.name} currently has ${current} partition(s); ${request.count} would not be an increase.`);
  }
  const additional = request.count - current;
  if (recordsSoFar + additional > MAX_RECORDS_PER_USER_OP) return apiError('INVALID_PARTITIONS', 'Excessively large number of partitions per request.');
  const replicationFactor = topic.partitions[0].replicas.length;

  let placements: readonly (readonly number[])[];
  if (request.assignments != null) {
    if (request.assignments.length !== additional) {
      return apiError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Attempted to add ${additional} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`,
      );
    }
    for (const assignment of request.assignments) {
      const error = manualAssignmentError(image, assignment, replicationFactor);
      if (error) return error;
    }
    placements = request.assignments;
  } else {
    const brokers = liveBrokerIds(image);
    if (replicationFactor > brokers.length) return tooFewBrokers(replicationFactor, brokers.length);
    placements = placeReplicas(brokers, current, additional, replicationFactor, ctx.prng);
  }

  const records: PartitionRecord[] = [];
  for (let i = 0; i < placements.length; i++) {
    const record = newPartitionRecord(image, topic.topicId, current + i, placements[i]);
    if (isApiError(record)) return record;
    records.push(record);
  }
  return records;
}
