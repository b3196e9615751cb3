import { type OptionSpecs, type ParsedOptions, choiceOption, integerOption, listOption, parseKeyValues, stringOption } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { apiTimeoutMsOf } from './connection-options';

/** The producer's compression.type values. */
export const COMPRESSION_CHOICES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** One of COMPRESSION_CHOICES. */
export type CompressionChoice = (typeof COMPRESSION_CHOICES)[number];

/** A one-record batch's framing (61-byte header plus the record's varints), an upper estimate: how the producer sizes a waiting send. */
export const RECORD_OVERHEAD_BYTES = 80;

/** Flags shared by `produce` and `perf produce`, named after the producer configs they set. */
export const PRODUCER_OPTIONS: OptionSpecs = {
  acks: { type: 'string', valueName: '0|1|all', defaultText: 'all', description: 'Acknowledgements to wait for (acks; -1 is all).' },
  compression: { type: 'string', valueName: 'CODEC', defaultText: 'none', description: `Batch compression (compression.type): ${COMPRESSION_CHOICES.join(', ')}.` },
  'batch-size': { type: 'string', valueName: 'BYTES', defaultText: '16384', description: 'Largest batch per partition (batch.size).' },
  'linger-ms': { type: 'string', valueName: 'MS', defaultText: '5', description: 'How long a batch may wait for more records (linger.ms).' },
  idempotence: { type: 'string', valueName: 'true|false', defaultText: 'true with acks=all', description: 'Producer ids and sequence numbers (enable.idempotence); needs acks=all.' },
  'producer-property': { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'Any other producer config, e.g. max.in.flight.requests.per.connection=1.' },
};

/**
 * The producer config the flags ask for. `acks` accepts Kafka's words;
 * idempotence is only set when asked for, so the client's rule applies
 * (on by default, silently off with acks 0 or 1, an error when explicitly
 * on with acks 0 or 1).
 */
export function producerConfigOf(options: ParsedOptions, bootstrapServer: string): Record<string, string | number | boolean> {
  const acks = choiceOption(options, 'acks', ['0', '1', 'all', '-1'], 'all');
  const config: Record<string, string | number | boolean> = {
    'bootstrap.servers': bootstrapServer,
    acks: acks === '-1' ? 'all' : acks,
    'compression.type': choiceOption(options, 'compression', COMPRESSION_CHOICES, 'none'),
    'batch.size': integerOption(options, 'batch-size', 16384, { min: 0 }),
    'linger.ms': integerOption(options, 'linger-ms', 5, { min: 0 }),
    // How long a send may wait for metadata or buffer space: the CLI's one bound on waiting for the cluster.
    'max.block.ms': apiTimeoutMsOf(options),
  };
  const idempotence = stringOption(options, 'idempotence');
  if (idempotence !== undefined) {
    if (idempotence !== 'true' && idempotence !== 'false') throw new UsageError(undefined, `--idempotence must be true or false, got '${idempotence}'`);
    config['enable.idempotence'] = idempotence === 'true';
  }
  for (const { key, value } of parseKeyValues(listOption(options, 'producer-property'), '--producer-property')) config[key] = value ?? '';
  return config;
}
