import { AssertionError, assert, type Prng } from '@tributary/util';
import { type ClusterImage, liveBrokerIds } from '../image/cluster-image';
import { makeRecord, type MetadataRecord, type PartitionRecord } from '../records/metadata-record';
import { CLUSTER_METADATA_TOPIC, collisionKey, hasCollisionChars, topicNameError } from '../records/topic-names';
import { isValidTopicId, type UuidGenerator } from '../records/uuid';
import { configEncodingError, configObject, configRecords, validatorError } from './config-checks';
import { type ApiError, apiError, type ConfigValidator, type ControllerResult, MAX_RECORDS_PER_USER_OP } from './controller-result';
import { isApiError, manualAssignmentError, newPartitionRecord, tooFewBrokers } from './partition-assignment';
import { placeReplicas } from './replica-placement';

export interface ReplicaAssignment {
  readonly partitionIndex: number;
  /** The replicas in preference order; the first live one leads. */
  readonly brokerIds: readonly number[];
}

export interface CreatableTopic {
  readonly name: string;
  /** -1 for the default (num.partitions); must be -1 with manual assignments. */
  readonly numPartitions: number;
  /** -1 for the default (default.replication.factor); must be -1 with manual assignments. */
  readonly replicationFactor: number;
  readonly assignments?: readonly ReplicaAssignment[];
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicsRequest {
  readonly topics: readonly CreatableTopic[];
  /** Validate and answer as if created, but write nothing. */
  readonly validateOnly?: boolean;
}

export interface CreateTopicsContext {
  /** `num.partitions`. */
  readonly defaultNumPartitions: number;
  /** `default.replication.factor`. */
  readonly defaultReplicationFactor: number;
  readonly validateConfigs: ConfigValidator;
  readonly newTopicId: UuidGenerator;
  /** Where placement draws its random start. */
  readonly prng: Prng;
}

/** Kafka's CreatableTopicResult. `topicId` is null on error and with validateOnly. */
export interface CreateTopicResult extends ApiError {
  readonly name: string;
  readonly topicId: string | null;
  /** -1 on error. */
  readonly numPartitions: number;
  /** -1 on error. */
  readonly replicationFactor: number;
}

/** Attempts at drawing a topic id that is neither reserved nor taken; failing them all means a broken generator. */
const MAX_TOPIC_ID_ATTEMPTS = 16;

/**
 * Validates a CreateTopics request against the image, as Kafka's controller
 * does, and returns the records that create the valid topics (TopicRecord,
 * then its PartitionRecords, then its ConfigRecords) with one result per
 * requested topic, in request order. Invalid topics do not stop valid ones.
 */
export function createTopics(image: ClusterImage, request: CreateTopicsRequest, ctx: CreateTopicsContext): ControllerResult<CreateTopicResult[]> {
  assert(ctx.defaultNumPartitions >= 1 && ctx.defaultReplicationFactor >= 1, 'defaults must be at least 1');
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);

  const state: RequestState = {
    image,
    ctx,
    validateOnly: request.validateOnly === true,
    records: [],
    createdByCollisionKey: new Map(),
    takenIds: new Set(),
  };
  const results = request.topics.map((topic): CreateTopicResult => {
    const outcome = (counts.get(topic.name) ?? 0) > 1 ? apiError('INVALID_REQUEST', 'Duplicate topic name.') : createOne(state, topic);
    if (isApiError(outcome)) return { name: topic.name, topicId: null, numPartitions: -1, replicationFactor: -1, ...outcome };
    return { name: topic.name, errorCode: 0, errorMessage: null, ...outcome };
  });
  return { records: state.records, results };
}

interface RequestState {
  readonly image: ClusterImage;
  readonly ctx: CreateTopicsContext;
  readonly validateOnly: boolean;
  readonly records: MetadataRecord[];
  /** Topics created earlier in this request, for the '.'/'_' collision check. */
  readonly createdByCollisionKey: Map<string, string>;
  readonly takenIds: Set<string>;
}

interface Created {
  readonly topicId: string | null;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

function createOne(state: RequestState, topic: CreatableTopic): Created | ApiError {
  const { image } = state;
  const nameError = checkName(state, topic.name);
  if (nameError) return nameError;

  const placements = topic.assignments && topic.assignments.length > 0 ? manualPlacements(image, topic) : automaticPlacements(state, topic);
  if (isApiError(placements)) return placements;
  const configs = topic.configs ?? {};
  const configNames = Object.keys(configs);
  if (state.records.length + 1 + placements.length + configNames.length > MAX_RECORDS_PER_USER_OP) {
    return apiError('INVALID_PARTITIONS', 'Excessively large number of partitions per request.');
  }
  const configError = checkConfigs(state, topic.name, configs);
  if (configError) return configError;

  const topicId = state.validateOnly ? null : drawTopicId(state);
  const partitionRecords: PartitionRecord[] = [];
  for (let partitionId = 0; partitionId < placements.length; partitionId++) {
    const record = newPartitionRecord(image, topicId ?? '', partitionId, placements[partitionId]);
    if (isApiError(record)) return record;
    partitionRecords.push(record);
  }

  state.createdByCollisionKey.set(collisionKey(topic.name), topic.name);
  if (topicId !== null) {
    const resource = { resourceType: 'TOPIC' as const, resourceName: topic.name };
    state.records.push(makeRecord('TopicRecord', { name: topic.name, topicId }), ...partitionRecords);
    state.records.push(...configRecords(resource, new Map(), new Map(Object.entries(configs))));
  }
  return { topicId, numPartitions: placements.length, replicationFactor: placements[0].length };
}

function checkName(state: RequestState, name: string): ApiError | null {
  if (name === CLUSTER_METADATA_TOPIC) return apiError('INVALID_REQUEST', `Creation of internal topic ${CLUSTER_METADATA_TOPIC} is prohibited.`);
  const nameError = topicNameError(name);
  if (nameError !== null) return apiError('INVALID_TOPIC_EXCEPTION', nameError);
  if (state.image.topicsByName.has(name)) return apiError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
  if (hasCollisionChars(name)) {
    const colliding = collidingTopic(state, name);
    if (colliding !== undefined) return apiError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${colliding}`);
  }
  return null;
}

/** An existing (or earlier in this request) topic whose name differs from `name` only in '.' vs '_'. */
function collidingTopic(state: RequestState, name: string): string | undefined {
  const key = collisionKey(name);
  const inRequest = state.createdByCollisionKey.get(key);
  if (inRequest !== undefined) return inRequest;
  let found: string | undefined;
  for (const existing of state.image.topicsByName.keys()) {
    if (hasCollisionChars(existing) && collisionKey(existing) === key && (found === undefined || existing < found)) found = existing;
  }
  return found;
}

function manualPlacements(image: ClusterImage, topic: CreatableTopic): number[][] | ApiError {
  if (topic.replicationFactor !== -1) {
    return apiError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.');
  }
  if (topic.numPartitions !== -1) {
    return apiError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.');
  }
  const assignments = topic.assignments ?? [];
  if (assignments.length > MAX_RECORDS_PER_USER_OP) return apiError('INVALID_PARTITIONS', 'Excessively large number of partitions per request.');
  const byIndex = new Map<number, readonly number[]>();
  let replicationFactor: number | undefined;
  for (const assignment of assignments) {
    if (byIndex.has(assignment.partitionIndex)) {
      return apiError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${assignment.partitionIndex}`);
    }
    const error = manualAssignmentError(image, assignment.brokerIds, replicationFactor);
    if (error) return error;
    replicationFactor = assignment.brokerIds.length;
    byIndex.set(assignment.partitionIndex, assignment.brokerIds);
  }
  const placements: number[][] = [];
  for (let i = 0; i < byIndex.size; i++) {
    const replicas = byIndex.get(i);
    if (!replicas) return apiError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence');
    placements.push([...replicas]);
  }
  return placements;
}

function automaticPlacements(state: RequestState, topic: CreatableTopic): number[][] | ApiError {
  const { replicationFactor: rf, numPartitions: np } = topic;
  if (!Number.isInteger(rf) || rf < -1 || rf === 0) {
    return apiError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
  }
  if (!Number.isInteger(np) || np < -1 || np === 0) {
    return apiError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
  }
  const numPartitions = np === -1 ? state.ctx.defaultNumPartitions : np;
  const replicationFactor = rf === -1 ? state.ctx.defaultReplicationFactor : rf;
  if (numPartitions > MAX_RECORDS_PER_USER_OP) return apiError('INVALID_PARTITIONS', 'Excessively large number of partitions per request.');
  const brokers = liveBrokerIds(state.image);
  if (replicationFactor > brokers.length) return tooFewBrokers(replicationFactor, brokers.length);
  return placeReplicas(brokers, 0, numPartitions, replicationFactor, state.ctx.prng);
}

function checkConfigs(state: RequestState, name: string, configs: Readonly<Record<string, string>>): ApiError | null {
  for (const [key, value] of Object.entries(configs)) {
    if (value === null || value === undefined) return apiError('INVALID_CONFIG', `Null value not supported for topic configs: ${key}`);
    const error = configEncodingError(key, value);
    if (error) return error;
  }
  return validatorError(state.ctx.validateConfigs, configObject(Object.entries(configs)), { resourceType: 'TOPIC', resourceName: name });
}

function drawTopicId(state: RequestState): string {
  for (let attempt = 0; attempt < MAX_TOPIC_ID_ATTEMPTS; attempt++) {
    const id = state.ctx.newTopicId().toLowerCase();
    if (isValidTopicId(id) && !state.image.topicsById.has(id) && !state.takenIds.has(id)) {
      state.takenIds.add(id);
      return id;
    }
  }
  throw new AssertionError(`the topic id generator gave ${MAX_TOPIC_ID_ATTEMPTS} unusable ids in a row`);
}
