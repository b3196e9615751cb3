import { TributaryError } from '@tributary/errors';
import { CONNECTION_OPTIONS, type ParsedOptions, booleanOption, choiceOption, integerOption, parseInteger, stringOption } from '../cli/args';
import type { Command } from '../cli/command';
import { UsageError } from '../cli/usage-error';
import { openConsumer } from '../cluster/clients';
import { bootstrapServerOf, withAdmin } from '../cluster/connection-options';
import { connectionFailure } from '../cluster/broker-admin';
import { type RecordFormat, formatRecord } from '../format/record-format';

/** Longest single poll: the loop wakes at least this often to check the idle timeout and Ctrl-C. */
export const MAX_POLL_WAIT_MS = 500;

/** Where consumption starts in each assigned partition. */
export type StartPosition = { readonly kind: 'earliest' } | { readonly kind: 'latest' } | { readonly kind: 'offset'; readonly offset: number };

/**
 * Kafka's console-consumer rules: `--from-beginning` is earliest; `--offset`
 * is a number, `earliest` or `latest`, and a number needs `--partition`
 * (offsets mean nothing across partitions); the default is latest (new
 * records only).
 */
export function startPositionOf(options: ParsedOptions): StartPosition {
  const offset = stringOption(options, 'offset');
  const fromBeginning = booleanOption(options, 'from-beginning');
  if (offset !== undefined && fromBeginning) throw new UsageError(consumeCommand.spec, '--offset and --from-beginning cannot be used together');
  if (fromBeginning || offset === 'earliest') return { kind: 'earliest' };
  if (offset === undefined || offset === 'latest') return { kind: 'latest' };
  if (stringOption(options, 'partition') === undefined) throw new UsageError(consumeCommand.spec, '--offset N needs --partition');
  return { kind: 'offset', offset: parseInteger(offset, '--offset', { min: 0 }) };
}

/** `consume TOPIC`: print records, like kafka-console-consumer with manual assignment. */
export const consumeCommand: Command = {
  spec: {
    path: ['consume'],
    summary: 'Print records of a topic (every partition, or one) until --max-messages, --timeout-ms of idleness, or Ctrl-C.',
    positionals: ['TOPIC'],
    options: {
      ...CONNECTION_OPTIONS,
      'from-beginning': { type: 'boolean', description: 'Start at the earliest offset (same as --offset earliest).' },
      partition: { type: 'string', valueName: 'P', description: 'Only this partition (default: every partition).' },
      offset: { type: 'string', valueName: 'N|earliest|latest', defaultText: 'latest', description: 'Where to start; a number needs --partition.' },
      'max-messages': { type: 'string', valueName: 'N', description: 'Exit after N records.' },
      'timeout-ms': { type: 'string', valueName: 'MS', description: 'Exit after MS without a record.' },
      'print-key': { type: 'boolean', description: 'Print the key before the value.' },
      'print-headers': { type: 'boolean', description: 'Print headers as k:v,k2:v2 (NO_HEADERS when none).' },
      'print-offset': { type: 'boolean', description: 'Print Offset:N.' },
      'print-partition': { type: 'boolean', description: 'Print Partition:P.' },
      'print-timestamp': { type: 'boolean', description: 'Print CreateTime:MS or LogAppendTime:MS.' },
      format: { type: 'string', valueName: 'text|json', defaultText: 'text', description: 'json: one object per line with every field (the print flags are for text).' },
      'isolation-level': { type: 'string', valueName: 'LEVEL', defaultText: 'read_uncommitted', description: 'read_committed hides aborted and open transactions.' },
    },
    examples: [
      'tributary consume orders --from-beginning --max-messages 10 --print-key --print-offset',
      'tributary consume orders --partition 0 --offset 42 --format json --timeout-ms 5000',
    ],
  },
  async run(io, { positionals: [topic], options }) {
    const start = startPositionOf(options);
    const onlyPartition = integerOption(options, 'partition', undefined, { min: 0, max: 0x7fffffff });
    const maxMessages = integerOption(options, 'max-messages', Number.POSITIVE_INFINITY, { min: 1 });
    const idleTimeoutMs = integerOption(options, 'timeout-ms', Number.POSITIVE_INFINITY, { min: 0 });
    const isolation = choiceOption(options, 'isolation-level', ['read_uncommitted', 'read_committed'], 'read_uncommitted');
    const format: RecordFormat = {
      format: choiceOption(options, 'format', ['text', 'json'], 'text'),
      printKey: booleanOption(options, 'print-key'),
      printHeaders: booleanOption(options, 'print-headers'),
      printOffset: booleanOption(options, 'print-offset'),
      printPartition: booleanOption(options, 'print-partition'),
      printTimestamp: booleanOption(options, 'print-timestamp'),
    };
    const server = bootstrapServerOf(options);
    // Ask for the partitions first: an unknown topic is an error here, where the consumer would just wait.
    const [description] = await withAdmin(options, (admin) => admin.describeTopics([topic]));
    const partitions = description.partitions.map((p) => p.partition).filter((p) => onlyPartition === undefined || p === onlyPartition);
    if (partitions.length === 0) throw new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${topic}' has no partition ${onlyPartition}`);

    const consumer = await openConsumer(
      {
        'bootstrap.servers': server,
        // An explicit offset out of range is an error to report, not a reason to silently jump elsewhere.
        'auto.offset.reset': start.kind === 'offset' ? 'none' : start.kind,
        'isolation.level': isolation,
      },
      io.env['TRIBUTARY_DEBUG'] === '1',
    );
    const stopPolling = (): void => consumer.wakeup();
    io.signal.addEventListener('abort', stopPolling, { once: true });
    try {
      const assignment = partitions.map((partition) => ({ topic, partition }));
      consumer.assign(assignment);
      if (start.kind === 'earliest') consumer.seekToBeginning(assignment);
      else if (start.kind === 'latest') consumer.seekToEnd(assignment);
      else consumer.seek(assignment[0], start.offset);

      let printed = 0;
      let lastActivityMs = Date.now();
      while (printed < maxMessages && !io.signal.aborted) {
        const idleLeftMs = lastActivityMs + idleTimeoutMs - Date.now();
        if (idleLeftMs <= 0) break;
        const records = await consumer.poll(Math.min(MAX_POLL_WAIT_MS, idleLeftMs));
        if (records.length === 0) continue;
        lastActivityMs = Date.now();
        const take = records.slice(0, maxMessages - printed);
        io.stdout.write(take.map((record) => `${formatRecord(record, format)}\n`).join(''));
        printed += take.length;
      }
      return 0;
    } catch (error) {
      throw connectionFailure(server, error);
    } finally {
      io.signal.removeEventListener('abort', stopPolling);
      await consumer.close().catch(() => undefined);
    }
  },
};
