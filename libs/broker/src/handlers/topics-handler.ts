import { ErrorCode } from '@tributary/errors';
import { type CreatableTopic, createPartitions, createTopics, deleteTopics, type UuidGenerator } from '@tributary/metadata';
import type {
  CreatableTopicResult,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from '@tributary/proto';
import type { Prng } from '@tributary/util';
import type { BrokerConfigModel } from '../config/broker-config-model';
import { brokerDynamicConfigs } from '../metadata/broker-dynamic-configs';
import type { LocalController } from '../metadata/local-controller';
import { configSourceOf } from './configs-handler';
import { topicIdBytes } from './wire';

/**
 * CreateTopics, DeleteTopics and CreatePartitions: validated by the metadata
 * lib's controller functions against the current image (configs by the
 * config lib's validator), committed to the metadata log, then applied —
 * logs are created or deleted from the resulting delta before the answer.
 */
export class TopicsHandler {
  constructor(
    private readonly controller: LocalController,
    private readonly config: BrokerConfigModel,
    private readonly newTopicId: UuidGenerator,
    private readonly prng: Prng,
  ) {}

  async createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    const nullConfig = new Map<number, string>();
    const topics: CreatableTopic[] = request.topics.map((t, i) => {
      const configs: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const c of t.configs) {
        if (c.value === undefined) nullConfig.set(i, `Null value not supported for topic configs: ${c.name}`);
        else configs[c.name] = c.value;
      }
      return {
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
        configs,
      };
    });
    const valid = topics.filter((_, i) => !nullConfig.has(i));
    const { settings, validateConfigs } = this.config;
    const results = await this.controller.run((image) =>
      createTopics(
        image,
        { topics: valid, validateOnly: request.validateOnly },
        { defaultNumPartitions: settings.numPartitions, defaultReplicationFactor: settings.defaultReplicationFactor, validateConfigs, newTopicId: this.newTopicId, prng: this.prng },
      ),
    );
    let next = 0;
    return {
      throttleTimeMs: 0,
      topics: topics.map((t, i): CreatableTopicResult => {
        const invalid = nullConfig.get(i);
        if (invalid !== undefined) return { name: t.name, topicId: topicIdBytes(null), errorCode: ErrorCode.INVALID_CONFIG, errorMessage: invalid, numPartitions: -1, replicationFactor: -1, configs: [] };
        const r = results[next++];
        const configs =
          r.errorCode === 0
            ? this.config.describeTopic(new Map(Object.entries(t.configs ?? {})), brokerDynamicConfigs(this.controller.image, this.config.settings.nodeId)).map((c) => ({
                name: c.name,
                ...(c.value === null ? {} : { value: c.value }),
                readOnly: c.readOnly,
                configSource: configSourceOf(c.source),
                isSensitive: c.sensitive,
              }))
            : [];
        return { name: r.name, topicId: topicIdBytes(r.topicId), errorCode: r.errorCode, errorMessage: r.errorMessage ?? '', numPartitions: r.numPartitions, replicationFactor: r.replicationFactor, configs };
      }),
    };
  }

  async deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    const results = await this.controller.run((image) =>
      deleteTopics(image, { topics: request.topicNames.map((name) => ({ name })) }, { deleteTopicEnable: this.config.settings.deleteTopicEnable }),
    );
    return {
      throttleTimeMs: 0,
      responses: results.map((r, i) => ({ name: r.name ?? request.topicNames[i], topicId: topicIdBytes(r.topicId), errorCode: r.errorCode, errorMessage: r.errorMessage ?? '' })),
    };
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    const results = await this.controller.run((image) =>
      createPartitions(
        image,
        {
          topics: request.topics.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments.length > 0 ? t.assignments.map((a) => a.brokerIds) : null })),
          validateOnly: request.validateOnly,
        },
        { prng: this.prng },
      ),
    );
    return { throttleTimeMs: 0, results: results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage ?? '' })) };
  }
}
