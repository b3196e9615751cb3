import { createTopics, type CreateTopicResult, isInternalTopic, type UuidGenerator } from '@tributary/metadata';
import type { Prng } from '@tributary/util';
import type { BrokerConfigModel } from '../config/broker-config-model';
import type { LocalController } from './local-controller';

/**
 * Creates topics on first use (Metadata and Produce with
 * `auto.create.topics.enable`), with the broker's default partition count and
 * replication factor, through the same controller path as CreateTopics.
 */
export class AutoTopicCreator {
  constructor(
    private readonly controller: LocalController,
    private readonly config: BrokerConfigModel,
    private readonly newTopicId: UuidGenerator,
    private readonly prng: Prng,
  ) {}

  get enabled(): boolean {
    return this.config.settings.autoCreateTopicsEnable;
  }

  /** Creates the missing `names` that may be auto-created; returns one result per name tried (internal topics are skipped). */
  async create(names: readonly string[]): Promise<CreateTopicResult[]> {
    const wanted = [...new Set(names)].filter((n) => !isInternalTopic(n));
    if (!this.enabled || wanted.length === 0) return [];
    const { settings, validateConfigs } = this.config;
    return this.controller.run((image) =>
      createTopics(
        image,
        { topics: wanted.filter((name) => !image.topicsByName.has(name)).map((name) => ({ name, numPartitions: -1, replicationFactor: -1 })) },
        { defaultNumPartitions: settings.numPartitions, defaultReplicationFactor: settings.defaultReplicationFactor, validateConfigs, newTopicId: this.newTopicId, prng: this.prng },
      ),
    );
  }
}
