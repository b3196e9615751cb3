import { TributaryError } from '@tributary/errors';
import { CONNECTION_OPTIONS, booleanOption, requiredIntegerOption } from '../cli/args';
import type { Command } from '../cli/command';
import { withAdmin } from '../cluster/connection-options';
import { jsonLine } from '../format/json-line';

/** `records delete-before TOPIC`: DeleteRecords for one partition. */
export const recordsDeleteBeforeCommand: Command = {
  spec: {
    path: ['records', 'delete-before'],
    summary: "Delete a partition's records below an offset (moves the log start offset; -1 means the high watermark).",
    positionals: ['TOPIC'],
    options: {
      ...CONNECTION_OPTIONS,
      partition: { type: 'string', valueName: 'P', description: 'The partition (required).' },
      offset: { type: 'string', valueName: 'N', description: 'Records below this offset are deleted (required).' },
      json: { type: 'boolean', description: 'Print {"topic","partition","lowWatermark"} as JSON.' },
    },
    examples: ['tributary records delete-before orders --partition 0 --offset 1000'],
  },
  async run(io, { positionals: [topic], options }) {
    const partition = requiredIntegerOption(options, 'partition', { min: 0, max: 0x7fffffff });
    const offset = requiredIntegerOption(options, 'offset', { min: -1 });
    const lowWatermark = await withAdmin(options, async (admin) => {
      // The admin client waits (until the API timeout) for a leader of a partition it does not know; a missing one is an error now.
      const [description] = await admin.describeTopics([topic]);
      if (!description.partitions.some((p) => p.partition === partition)) {
        throw new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${topic}' has no partition ${partition}`);
      }
      return admin.deleteRecordsBefore(topic, partition, offset);
    });
    io.stdout.write(booleanOption(options, 'json') ? jsonLine({ topic, partition, lowWatermark }) : `Partition ${topic}-${partition}: low watermark ${lowWatermark}\n`);
    return 0;
  },
};
