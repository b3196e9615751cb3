import { assert } from '@tributary/util';
import { isEncodableString } from '../codec/byte-writer';
import { type ClusterImage, isBrokerLive, type PartitionImage } from '../image/cluster-image';
import { type BrokerEndpoint, makeRecord, type MetadataRecord, NO_LEADER, NO_LEADER_CHANGE } from '../records/metadata-record';
import { isCanonicalUuid } from '../records/uuid';
import { type ApiError, apiError, API_OK, type ControllerResult } from './controller-result';

/** A feature version range the registering broker supports. */
export interface SupportedFeature {
  readonly name: string;
  readonly minSupportedVersion: number;
  readonly maxSupportedVersion: number;
}

export interface BrokerRegistrationRequest {
  readonly brokerId: number;
  /** The cluster id the broker was formatted with; checked when both sides know one. */
  readonly clusterId?: string | null;
  readonly incarnationId: string;
  readonly endpoints: readonly BrokerEndpoint[];
  readonly rack: string | null;
  /** Every feature the broker supports; each finalized feature must be among them. */
  readonly features: readonly SupportedFeature[];
}

export interface RegisterBrokerContext {
  /** The log offset the RegisterBrokerRecord will be written at: it becomes the broker epoch, as in Kafka. */
  readonly writeOffset: number;
  readonly clusterId?: string;
  /**
   * Whether the current registration of `brokerId` still has a live session
   * (heartbeats are not in the image). Defaults to "it is unfenced".
   */
  readonly hasActiveSession?: (brokerId: number) => boolean;
}

export interface BrokerRegistrationResult extends ApiError {
  /** The new broker epoch, or -1 on error. */
  readonly brokerEpoch: number;
}

export interface BrokerEpochRequest {
  readonly brokerId: number;
  readonly brokerEpoch: number;
}

const MAX_PORT = 0xffff;

/**
 * Validates a broker registration as Kafka's ClusterControlManager does and
 * returns a RegisterBrokerRecord that registers it fenced, with the write
 * offset as its new epoch. A different incarnation of a broker id whose
 * session is still active is refused (DUPLICATE_BROKER_REGISTRATION).
 */
export function registerBroker(image: ClusterImage, request: BrokerRegistrationRequest, ctx: RegisterBrokerContext): ControllerResult<BrokerRegistrationResult> {
  assert(Number.isSafeInteger(ctx.writeOffset) && ctx.writeOffset > image.metadataOffset, () => `write offset ${ctx.writeOffset} is not after ${image.metadataOffset}`);
  const fail = (error: ApiError): ControllerResult<BrokerRegistrationResult> => ({ records: [], results: { ...error, brokerEpoch: -1 } });
  if (ctx.clusterId !== undefined && request.clusterId != null && request.clusterId !== ctx.clusterId) {
    return fail(apiError('INCONSISTENT_CLUSTER_ID', `Expected cluster ID ${ctx.clusterId}, but got cluster ID ${request.clusterId}`));
  }
  const malformed = registrationError(request);
  if (malformed) return fail(malformed);

  const existing = image.brokers.get(request.brokerId);
  if (existing && existing.incarnationId !== request.incarnationId) {
    const active = ctx.hasActiveSession ? ctx.hasActiveSession(request.brokerId) : !existing.fenced;
    if (active) return fail(apiError('DUPLICATE_BROKER_REGISTRATION', 'Another broker is registered with that broker id.'));
  }
  for (const [name, level] of image.features) {
    const supported = request.features.find((f) => f.name === name);
    if (!supported || level < supported.minSupportedVersion || level > supported.maxSupportedVersion) {
      const range = supported ? `between ${supported.minSupportedVersion} and ${supported.maxSupportedVersion}, inclusive` : 'none';
      return fail(apiError('UNSUPPORTED_VERSION', `Unable to register because the broker does not support finalized version ${level} of ${name}. The broker wants a version ${range}.`));
    }
  }
  const record = makeRecord('RegisterBrokerRecord', {
    brokerId: request.brokerId,
    incarnationId: request.incarnationId,
    brokerEpoch: ctx.writeOffset,
    endpoints: request.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
    rack: request.rack,
    fenced: true,
  });
  return { records: [record], results: { ...API_OK, brokerEpoch: ctx.writeOffset } };
}

function registrationError(request: BrokerRegistrationRequest): ApiError | null {
  const invalid = (why: string): ApiError => apiError('INVALID_REGISTRATION', why);
  if (!Number.isInteger(request.brokerId) || request.brokerId < 0 || request.brokerId > 0x7fff_ffff) return invalid(`Invalid broker id ${request.brokerId}.`);
  if (!isCanonicalUuid(request.incarnationId)) return invalid(`Invalid incarnation id ${request.incarnationId}.`);
  if (request.rack !== null && !isEncodableString(request.rack)) return invalid('The rack is too long or not valid UTF-8.');
  const names = new Set<string>();
  for (const e of request.endpoints) {
    if (!e.name || !isEncodableString(e.name) || !isEncodableString(e.host)) return invalid('Every endpoint needs a listener name and a host of valid UTF-8.');
    if (names.has(e.name)) return invalid(`Listener ${e.name} is listed more than once.`);
    if (!Number.isInteger(e.port) || e.port < 0 || e.port > MAX_PORT) return invalid(`Listener ${e.name} has invalid port ${e.port}.`);
    if (!Number.isInteger(e.securityProtocol) || e.securityProtocol < 0 || e.securityProtocol > 0x7fff) {
      return invalid(`Listener ${e.name} has invalid security protocol ${e.securityProtocol}.`);
    }
    names.add(e.name);
  }
  return null;
}

/** STALE_BROKER_EPOCH unless the broker is registered with exactly that epoch (Kafka's checkBrokerEpoch). */
function staleEpochError(image: ClusterImage, request: BrokerEpochRequest): ApiError | null {
  const registration = image.brokers.get(request.brokerId);
  if (!registration) return apiError('STALE_BROKER_EPOCH', `No broker registration found for broker ${request.brokerId}`);
  if (registration.brokerEpoch !== request.brokerEpoch) {
    return apiError('STALE_BROKER_EPOCH', `Expected broker epoch ${registration.brokerEpoch}, but got broker epoch ${request.brokerEpoch}`);
  }
  return null;
}

/**
 * Unfences a caught-up broker and, as Kafka's handleBrokerUnfenced, elects a
 * leader for every leaderless partition that now has a live ISR member (the
 * first such replica in preference order). Records are empty when the broker
 * is already unfenced.
 */
export function unfenceBroker(image: ClusterImage, request: BrokerEpochRequest): ControllerResult<ApiError> {
  const stale = staleEpochError(image, request);
  if (stale) return { records: [], results: stale };
  if (isBrokerLive(image, request.brokerId)) return { records: [], results: API_OK };
  const records: MetadataRecord[] = [makeRecord('BrokerRegistrationChangeRecord', { ...request, fenced: 'UNFENCE' })];
  const live = (id: number): boolean => id === request.brokerId || isBrokerLive(image, id);
  forEachPartition(image, (topicId, p) => {
    if (p.leader !== NO_LEADER) return;
    const leader = p.replicas.find((id) => p.isr.includes(id) && live(id));
    if (leader !== undefined) records.push(partitionChange(topicId, p, null, leader));
  });
  return { records, results: API_OK };
}

/**
 * Fences a broker (its session expired or it shut down) and, as Kafka's
 * handleBrokerFenced, removes it from every ISR it is in and moves its
 * leaderships to the first live ISR replica, or to NO_LEADER when there is
 * none. The last ISR member is never removed, so the ISR keeps naming a
 * replica that has all committed data. Records are empty when already fenced.
 */
export function fenceBroker(image: ClusterImage, request: BrokerEpochRequest): ControllerResult<ApiError> {
  const stale = staleEpochError(image, request);
  if (stale) return { records: [], results: stale };
  if (!isBrokerLive(image, request.brokerId)) return { records: [], results: API_OK };
  const gone = request.brokerId;
  const records: MetadataRecord[] = [makeRecord('BrokerRegistrationChangeRecord', { ...request, fenced: 'FENCE' })];
  forEachPartition(image, (topicId, p) => {
    if (!p.isr.includes(gone)) return;
    const shrunk = p.isr.filter((id) => id !== gone);
    const isr = shrunk.length > 0 ? shrunk : p.isr;
    let leader = p.leader;
    if (leader === gone) leader = p.replicas.find((id) => id !== gone && isr.includes(id) && isBrokerLive(image, id)) ?? NO_LEADER;
    if (isr !== p.isr || leader !== p.leader) records.push(partitionChange(topicId, p, isr === p.isr ? null : isr, leader === p.leader ? NO_LEADER_CHANGE : leader));
  });
  return { records, results: API_OK };
}

function forEachPartition(image: ClusterImage, visit: (topicId: string, partition: PartitionImage) => void): void {
  const topics = [...image.topicsById.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const topic of topics) for (const p of topic.partitions) visit(topic.topicId, p);
}

function partitionChange(topicId: string, p: PartitionImage, isr: readonly number[] | null, leader: number): MetadataRecord {
  return makeRecord('PartitionChangeRecord', {
    partitionId: p.partitionId,
    topicId,
    isr: isr === null ? null : [...isr],
    leader,
    replicas: null,
    removingReplicas: null,
    addingReplicas: null,
  });
}
