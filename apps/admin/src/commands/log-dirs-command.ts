import { CONNECTION_OPTIONS, booleanOption } from '../cli/args';
import type { Command } from '../cli/command';
import { withAdmin } from '../cluster/connection-options';
import { jsonLine } from '../format/json-line';

/**
 * What the native API cannot tell: Kafka's DescribeLogDirs (per-directory
 * partition sizes, which directory holds a partition, offset lag of future
 * replicas) has no native RPC yet, so sizes are not shown.
 */
export const LOG_DIRS_LIMITATION =
  'the native API has no DescribeLogDirs RPC: per-directory sizes and partition placement are not available; showing log.dirs (DescribeConfigs) and offset ranges (ListOffsets)';

/** `log-dirs describe`: what the native API can tell of the brokers' log directories. */
export const logDirsDescribeCommand: Command = {
  spec: {
    path: ['log-dirs', 'describe'],
    summary: "Show each broker's log.dirs and each partition's leader and log start and end offsets.",
    positionals: [],
    options: {
      ...CONNECTION_OPTIONS,
      topic: { type: 'string', multiple: true, valueName: 'NAME', description: 'Only these topics (default: every topic).' },
      json: { type: 'boolean', description: 'Print one JSON object.' },
    },
    examples: ['tributary log-dirs describe', 'tributary log-dirs describe --topic orders --json'],
  },
  async run(io, { options }) {
    const topicsWanted = options['topic'] as readonly string[] | undefined;
    const report = await withAdmin(options, async (admin) => {
      const [cluster, topics] = await Promise.all([admin.describeCluster(), admin.describeTopics(topicsWanted === undefined ? null : topicsWanted)]);
      const brokers = await Promise.all(
        cluster.brokers.map(async (broker) => {
          const configs = await admin.describeConfigs({ type: 'broker', nodeId: broker.nodeId });
          const logDirs = (configs.find((c) => c.name === 'log.dirs')?.value ?? '').split(',').filter((d) => d !== '');
          return { nodeId: broker.nodeId, logDirs };
        }),
      );
      const partitions = await Promise.all(
        topics.map(async (topic) => ({
          topic: topic.name,
          partitions: (await admin.offsetRange(topic.name, topic.partitions.map((p) => p.partition))).map((range, i) => ({ ...range, leader: topic.partitions[i].leader })),
        })),
      );
      return { brokers, topics: partitions };
    });
    if (booleanOption(options, 'json')) {
      io.stdout.write(jsonLine({ ...report, missing: LOG_DIRS_LIMITATION }));
      return 0;
    }
    for (const broker of report.brokers) io.stdout.write(`Broker ${broker.nodeId} log.dirs: ${broker.logDirs.join(', ')}\n`);
    for (const topic of report.topics) {
      for (const p of topic.partitions) {
        io.stdout.write(`\t${topic.topic}-${p.partition}\tleader: ${p.leader}\tlogStartOffset: ${p.logStartOffset}\tlogEndOffset: ${p.logEndOffset}\n`);
      }
    }
    io.stderr.write(`note: ${LOG_DIRS_LIMITATION}\n`);
    return 0;
  },
};
