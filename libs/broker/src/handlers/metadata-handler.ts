import { ErrorCode } from '@tributary/errors';
import { type ClusterImage, isInternalTopic, liveBrokerIds, type TopicImage, topicNameError } from '@tributary/metadata';
import type { MetadataBroker, MetadataRequest, MetadataResponse, MetadataTopic } from '@tributary/proto';
import type { AutoTopicCreator } from '../metadata/auto-topic-creator';
import type { LocalController } from '../metadata/local-controller';
import { topicIdBytes } from './wire';

/**
 * Metadata: live brokers, the controller (this node on a single-node
 * cluster), and each requested topic's partitions with leader, leader epoch,
 * replicas and ISR. Unknown topics are auto-created when the request allows
 * it and `auto.create.topics.enable` is set (answered LEADER_NOT_AVAILABLE
 * only if creation failed transiently, as Kafka's clients expect to retry).
 */
export class MetadataHandler {
  constructor(
    private readonly controller: LocalController,
    private readonly autoCreator: AutoTopicCreator,
    private readonly clusterId: string,
  ) {}

  async handle(request: MetadataRequest): Promise<MetadataResponse> {
    let image = this.controller.image;
    const names = request.allTopics ? [...image.topicsByName.keys()].sort() : request.topics.map((t) => t.name);
    const creationErrors = new Map<string, { code: number; message: string }>();
    if (!request.allTopics && request.allowAutoTopicCreation && this.autoCreator.enabled) {
      const missing = names.filter((n) => !image.topicsByName.has(n) && topicNameError(n) === null);
      if (missing.length > 0) {
        for (const r of await this.autoCreator.create(missing)) {
          if (r.errorCode !== 0 && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) creationErrors.set(r.name, { code: r.errorCode, message: r.errorMessage ?? '' });
        }
        image = this.controller.image;
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: brokersOf(image),
      clusterId: this.clusterId,
      controllerId: liveBrokerIds(image)[0] ?? -1,
      topics: names.map((name) => {
        const topic = image.topicsByName.get(name);
        if (topic) return describeTopic(topic);
        const error = creationErrors.get(name);
        const invalid = topicNameError(name);
        const code = error?.code ?? (invalid !== null ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return { errorCode: code, errorMessage: error?.message ?? invalid ?? `unknown topic ${name}`, name, topicId: new Uint8Array(0), isInternal: false, partitions: [] };
      }),
    };
  }
}

function brokersOf(image: ClusterImage): MetadataBroker[] {
  const out: MetadataBroker[] = [];
  for (const id of liveBrokerIds(image)) {
    const b = image.brokers.get(id);
    const endpoint = b?.endpoints[0];
    if (!b || !endpoint) continue;
    out.push({ nodeId: b.brokerId, host: endpoint.host, port: endpoint.port, ...(b.rack === null ? {} : { rack: b.rack }) });
  }
  return out;
}

function describeTopic(topic: TopicImage): MetadataTopic {
  return {
    errorCode: 0,
    errorMessage: '',
    name: topic.name,
    topicId: topicIdBytes(topic.topicId),
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : 0,
      errorMessage: '',
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: [],
    })),
  };
}
