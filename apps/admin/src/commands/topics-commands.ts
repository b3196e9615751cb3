import { TributaryError } from '@tributary/errors';
import { CONNECTION_OPTIONS, booleanOption, integerOption, listOption, parseKeyValues, requiredIntegerOption } from '../cli/args';
import type { Command, OutputStream } from '../cli/command';
import { UsageError } from '../cli/usage-error';
import type { ConfigValue, TopicDescription } from '../cluster/broker-admin';
import { withAdmin } from '../cluster/connection-options';
import { jsonLine } from '../format/json-line';

const JSON_OPTION = { json: { type: 'boolean', description: 'Print one JSON object instead of text.' } } as const;

/** Kafka's limits on a partition count: at least one, at most int32. */
const MAX_PARTITIONS = 0x7fffffff;
const MAX_REPLICATION_FACTOR = 0x7fff;

/** `topics create NAME`: CreateTopics for one topic. */
export const topicsCreateCommand: Command = {
  spec: {
    path: ['topics', 'create'],
    summary: 'Create a topic.',
    positionals: ['NAME'],
    options: {
      ...CONNECTION_OPTIONS,
      partitions: { type: 'string', valueName: 'N', defaultText: "the broker's num.partitions", description: 'Number of partitions.' },
      'replication-factor': { type: 'string', valueName: 'R', defaultText: "the broker's default.replication.factor", description: 'Replicas per partition.' },
      config: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'A topic config, e.g. cleanup.policy=compact.' },
      'if-not-exists': { type: 'boolean', description: 'Succeed quietly when the topic already exists.' },
    },
    examples: ['tributary topics create orders --partitions 3 --replication-factor 1 --config retention.ms=86400000'],
  },
  async run(io, { positionals: [name], options }) {
    const partitions = integerOption(options, 'partitions', -1, { min: 1, max: MAX_PARTITIONS });
    const replicationFactor = integerOption(options, 'replication-factor', -1, { min: 1, max: MAX_REPLICATION_FACTOR });
    const configs = parseKeyValues(listOption(options, 'config'), '--config').map((c) => ({ key: c.key, value: c.value ?? '' }));
    return withAdmin(options, async (admin) => {
      try {
        await admin.createTopic({ name, partitions, replicationFactor, configs });
      } catch (error) {
        if (booleanOption(options, 'if-not-exists') && error instanceof TributaryError && error.codeName === 'TOPIC_ALREADY_EXISTS') return 0;
        throw error;
      }
      io.stdout.write(`Created topic ${name}.\n`);
      return 0;
    });
  },
};

/** `topics list`: topic names from Metadata. */
export const topicsListCommand: Command = {
  spec: {
    path: ['topics', 'list'],
    summary: 'List topic names, one per line.',
    positionals: [],
    options: { ...CONNECTION_OPTIONS, 'exclude-internal': { type: 'boolean', description: 'Leave out internal topics (__consumer_offsets…).' }, ...JSON_OPTION },
    examples: ['tributary topics list', 'tributary topics list --json'],
  },
  async run(io, { options }) {
    const topics = await withAdmin(options, (admin) => admin.describeTopics(null));
    const names = topics.filter((t) => !(t.isInternal && booleanOption(options, 'exclude-internal'))).map((t) => t.name);
    io.stdout.write(booleanOption(options, 'json') ? jsonLine({ topics: names }) : names.map((n) => `${n}\n`).join(''));
    return 0;
  },
};

/** `topics describe [NAME]`: Metadata plus the configs set on each topic. */
export const topicsDescribeCommand: Command = {
  spec: {
    path: ['topics', 'describe'],
    summary: 'Describe a topic (or every topic): id, partitions, leaders, replicas, ISR and the configs set on it.',
    positionals: ['NAME'],
    minPositionals: 0,
    options: { ...CONNECTION_OPTIONS, 'all-configs': { type: 'boolean', description: 'Show every config, not only those set on the topic.' }, ...JSON_OPTION },
    examples: ['tributary topics describe orders', 'tributary topics describe --json'],
  },
  async run(io, { positionals, options }) {
    const allConfigs = booleanOption(options, 'all-configs');
    const described = await withAdmin(options, async (admin) => {
      const topics = await admin.describeTopics(positionals.length > 0 ? positionals : null);
      return Promise.all(
        topics.map(async (topic) => {
          const configs = await admin.describeConfigs({ type: 'topic', name: topic.name });
          return { topic, configs: configs.filter((c) => allConfigs || c.source === 'DYNAMIC_TOPIC_CONFIG') };
        }),
      );
    });
    if (booleanOption(options, 'json')) {
      io.stdout.write(jsonLine({ topics: described.map(({ topic, configs }) => ({ ...topic, configs: configsObject(configs) })) }));
    } else {
      for (const { topic, configs } of described) writeTopicDescription(io.stdout, topic, configs);
    }
    return 0;
  },
};

/** Kafka's kafka-topics --describe layout: a topic line, then one tab-indented line per partition. */
export function writeTopicDescription(out: OutputStream, topic: TopicDescription, configs: readonly ConfigValue[]): void {
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
  const configText = configs.map((c) => `${c.name}=${c.sensitive ? '(sensitive)' : (c.value ?? '')}`).join(',');
  out.write(`Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${replicationFactor}\tConfigs: ${configText}\n`);
  for (const p of topic.partitions) {
    out.write(`\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`);
  }
}

function configsObject(configs: readonly ConfigValue[]): Record<string, string | null> {
  return Object.fromEntries(configs.map((c) => [c.name, c.sensitive ? null : c.value]));
}

/** `topics delete NAME`: DeleteTopics for one topic. */
export const topicsDeleteCommand: Command = {
  spec: {
    path: ['topics', 'delete'],
    summary: 'Delete a topic and all its records.',
    positionals: ['NAME'],
    options: { ...CONNECTION_OPTIONS },
    examples: ['tributary topics delete orders'],
  },
  async run(io, { positionals: [name], options }) {
    await withAdmin(options, (admin) => admin.deleteTopic(name));
    io.stdout.write(`Deleted topic ${name}.\n`);
    return 0;
  },
};

/** `topics alter-configs NAME`: IncrementalAlterConfigs SET/DELETE on one topic. */
export const topicsAlterConfigsCommand: Command = {
  spec: {
    path: ['topics', 'alter-configs'],
    summary: "Set topic configs and revert others to the broker's defaults (one IncrementalAlterConfigs request).",
    positionals: ['NAME'],
    options: {
      ...CONNECTION_OPTIONS,
      set: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'A config to set.' },
      delete: { type: 'string', multiple: true, valueName: 'KEY', description: 'A config to revert to its default.' },
    },
    examples: ['tributary topics alter-configs orders --set retention.ms=3600000 --set cleanup.policy=compact --delete segment.bytes'],
  },
  async run(io, { positionals: [name], options }) {
    const sets = parseKeyValues(listOption(options, 'set'), '--set').map((c) => ({ name: c.key, value: c.value ?? '' }));
    const deletes = listOption(options, 'delete').map((key) => {
      if (key === '' || key.includes('=')) throw new UsageError(topicsAlterConfigsCommand.spec, `--delete takes a config name, got '${key}'`);
      return { name: key, value: null };
    });
    if (sets.length + deletes.length === 0) throw new UsageError(topicsAlterConfigsCommand.spec, 'nothing to change: give --set or --delete');
    await withAdmin(options, (admin) => admin.alterTopicConfigs(name, [...sets, ...deletes]));
    io.stdout.write(`Updated configs of topic ${name}.\n`);
    return 0;
  },
};

/** `topics add-partitions NAME`: CreatePartitions to a new total. */
export const topicsAddPartitionsCommand: Command = {
  spec: {
    path: ['topics', 'add-partitions'],
    summary: 'Grow a topic to N partitions in total (partitions cannot be removed).',
    positionals: ['NAME'],
    options: { ...CONNECTION_OPTIONS, partitions: { type: 'string', valueName: 'N', description: 'The new total number of partitions (required).' } },
    examples: ['tributary topics add-partitions orders --partitions 6'],
  },
  async run(io, { positionals: [name], options }) {
    const count = requiredIntegerOption(options, 'partitions', { min: 1, max: MAX_PARTITIONS });
    await withAdmin(options, (admin) => admin.createPartitions(name, count));
    io.stdout.write(`Topic ${name} now has ${count} partitions.\n`);
    return 0;
  },
};

/** The `topics` commands, in help order. */
export const TOPICS_COMMANDS: readonly Command[] = [
  topicsCreateCommand,
  topicsListCommand,
  topicsDescribeCommand,
  topicsAlterConfigsCommand,
  topicsAddPartitionsCommand,
  topicsDeleteCommand,
];
