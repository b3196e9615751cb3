import type { ClusterImage, TopicImage } from '../image/cluster-image';
import { makeRecord, type RemoveTopicRecord } from '../records/metadata-record';
import { isInternalTopic } from '../records/topic-names';
import { isCanonicalUuid, ZERO_UUID } from '../records/uuid';
import { type ApiError, apiError, type ControllerResult } from './controller-result';

/** A topic to delete, by name or by id (exactly one of them). */
export interface DeletableTopic {
  readonly name?: string | null;
  readonly topicId?: string | null;
}

export interface DeleteTopicsRequest {
  readonly topics: readonly DeletableTopic[];
}

export interface DeleteTopicsContext {
  /** `delete.topic.enable`; when false every deletion fails with TOPIC_DELETION_DISABLED. */
  readonly deleteTopicEnable?: boolean;
}

/** Kafka's DeletableTopicResult: the topic's name and id when known. */
export interface DeleteTopicResult extends ApiError {
  readonly name: string | null;
  readonly topicId: string | null;
}

/**
 * Validates a DeleteTopics request and returns one RemoveTopicRecord per
 * deletable topic, with one result per requested topic in request order.
 * Unknown names fail with UNKNOWN_TOPIC_OR_PARTITION, unknown ids with
 * UNKNOWN_TOPIC_ID; internal topics (`__consumer_offsets`,
 * `__transaction_state`, `__cluster_metadata`) are protected; a topic named
 * twice (by name or id) fails every time it is named.
 */
export function deleteTopics(image: ClusterImage, request: DeleteTopicsRequest, ctx: DeleteTopicsContext = {}): ControllerResult<DeleteTopicResult[]> {
  const resolved = request.topics.map((t) => resolve(image, t));
  const timesNamed = new Map<string, number>();
  for (const r of resolved) if (!isError(r)) timesNamed.set(r.topicId, (timesNamed.get(r.topicId) ?? 0) + 1);

  const records: RemoveTopicRecord[] = [];
  const results = resolved.map((r, i): DeleteTopicResult => {
    const asked = request.topics[i];
    if (isError(r)) return { name: asked.name ?? null, topicId: asked.topicId ?? null, ...r };
    const known = { name: r.name, topicId: r.topicId };
    if ((timesNamed.get(r.topicId) ?? 0) > 1) return { ...known, ...apiError('INVALID_REQUEST', `Topic '${r.name}' is named more than once in the request.`) };
    if (isInternalTopic(r.name)) return { ...known, ...apiError('INVALID_TOPIC_EXCEPTION', `Topic '${r.name}' is an internal topic and cannot be deleted.`) };
    if (ctx.deleteTopicEnable === false) return { ...known, ...apiError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.') };
    records.push(makeRecord('RemoveTopicRecord', { topicId: r.topicId }));
    return { ...known, errorCode: 0, errorMessage: null };
  });
  return { records, results };
}

function resolve(image: ClusterImage, topic: DeletableTopic): TopicImage | ApiError {
  const hasName = typeof topic.name === 'string';
  const hasId = typeof topic.topicId === 'string' && topic.topicId !== ZERO_UUID;
  if (hasName === hasId) return apiError('INVALID_REQUEST', 'Exactly one of the topic name and the topic id must be set.');
  if (hasName) {
    return image.topicsByName.get(topic.name as string) ?? apiError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic.name}' does not exist.`);
  }
  const id = (topic.topicId as string).toLowerCase();
  if (!isCanonicalUuid(id)) return apiError('INVALID_REQUEST', `Invalid topic id ${topic.topicId}.`);
  return image.topicsById.get(id) ?? apiError('UNKNOWN_TOPIC_ID', `No topic with id ${id}.`);
}

function isError(value: TopicImage | ApiError): value is ApiError {
  return 'errorCode' in value;
}
