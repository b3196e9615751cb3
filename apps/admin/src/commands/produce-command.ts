import { createInterface } from 'node:readline';
import { toTributaryError } from '@tributary/errors';
import { CONNECTION_OPTIONS, booleanOption, integerOption, listOption, parseKeyValues, stringOption } from '../cli/args';
import type { Command, CliIo } from '../cli/command';
import { FAILURE_EXIT_CODE } from '../cli/run-cli';
import { UsageError } from '../cli/usage-error';
import { openProducer } from '../cluster/clients';
import { connectionFailure } from '../cluster/broker-admin';
import { bootstrapServerOf } from '../cluster/connection-options';
import { PRODUCER_OPTIONS, RECORD_OVERHEAD_BYTES, producerConfigOf } from '../cluster/producer-options';

/**
 * Sends waiting for their acknowledgement, at most. Bounds memory on large
 * inputs (the producer's buffer.memory bounds bytes, not the promises kept
 * here) while leaving room for many batches in flight.
 */
export const MAX_PENDING_SENDS = 10_000;
/**
 * Bytes of those sends, at most: half the producer's default buffer.memory,
 * counted with RECORD_OVERHEAD_BYTES of framing per record as the producer
 * counts a waiting send, so long lines never make a send fail with "buffer
 * exhausted" because this loop read ahead of the producer.
 */
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** Failed records reported one by one; the rest are only counted. */
export const MAX_REPORTED_FAILURES = 10;

type Outcome = { readonly line: number; readonly ok: true; readonly partition: number; readonly offset: number } | { readonly line: number; readonly ok: false; readonly reason: string };

/** One stdin line as a record: the key is what comes before the first separator, when one is given. */
export function splitLine(line: string, keySeparator: string | undefined): { key: string | null; value: string } | undefined {
  if (keySeparator === undefined) return { key: null, value: line };
  const at = line.indexOf(keySeparator);
  if (at < 0) return undefined;
  return { key: line.slice(0, at), value: line.slice(at + keySeparator.length) };
}

/** `produce TOPIC`: one record per stdin line, like kafka-console-producer. */
export const produceCommand: Command = {
  spec: {
    path: ['produce'],
    summary: 'Send one record per stdin line; flushes and exits at end of input (status 1 if any record failed).',
    positionals: ['TOPIC'],
    options: {
      ...CONNECTION_OPTIONS,
      'key-separator': { type: 'string', valueName: 'SEP', description: 'Split each line at the first SEP into key and value (a line without SEP fails).' },
      header: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'A header added to every record (KEY alone: a null value).' },
      partition: { type: 'string', valueName: 'P', description: 'Send every record to this partition (default: the partitioner).' },
      ...PRODUCER_OPTIONS,
      verbose: { type: 'boolean', description: 'Print topic-partition@offset of each record, in input order.' },
    },
    examples: ['printf "k1:hello\\nk2:world\\n" | tributary produce orders --key-separator : --header source=cli --acks all --compression lz4'],
  },
  async run(io, { positionals: [topic], options }) {
    const keySeparator = stringOption(options, 'key-separator');
    if (keySeparator === '') throw new UsageError(produceCommand.spec, '--key-separator must not be empty');
    const headers = parseKeyValues(listOption(options, 'header'), '--header', true);
    const partition = integerOption(options, 'partition', undefined, { min: 0, max: 0x7fffffff });
    const verbose = booleanOption(options, 'verbose');
    const server = bootstrapServerOf(options);
    const producer = await openProducer(producerConfigOf(options, server), io.env['TRIBUTARY_DEBUG'] === '1');
    const pending: { readonly outcome: Promise<Outcome>; readonly bytes: number }[] = [];
    let pendingBytes = 0;
    let failures = 0;
    let lineNumber = 0;
    const report = (outcome: Outcome): void => {
      if (outcome.ok) {
        if (verbose) io.stdout.write(`${topic}-${outcome.partition}@${outcome.offset}\n`);
        return;
      }
      failures++;
      if (failures <= MAX_REPORTED_FAILURES) io.stderr.write(`tributary: line ${outcome.line}: ${outcome.reason}\n`);
    };
    const reportOldest = async (): Promise<void> => {
      const oldest = pending.shift() as (typeof pending)[number];
      pendingBytes -= oldest.bytes;
      report(await oldest.outcome);
    };
    try {
      for await (const line of linesOf(io)) {
        const current = ++lineNumber;
        const parts = splitLine(line, keySeparator);
        const bytes = Buffer.byteLength(line) + RECORD_OVERHEAD_BYTES;
        const outcome: Promise<Outcome> =
          parts === undefined
            ? Promise.resolve({ line: current, ok: false, reason: `no key separator '${keySeparator}' in the line` })
            : producer.send({ topic, partition, key: parts.key === null ? null : Buffer.from(parts.key), value: Buffer.from(parts.value), headers }).then(
                (m): Outcome => ({ line: current, ok: true, partition: m.partition, offset: m.offset }),
                (error: unknown): Outcome => ({ line: current, ok: false, reason: describeSendFailure(server, error) }),
              );
        pending.push({ outcome, bytes });
        pendingBytes += bytes;
        while (pending.length >= MAX_PENDING_SENDS || pendingBytes >= MAX_PENDING_BYTES) await reportOldest();
      }
      // flush() sends lingering batches now instead of after linger.ms.
      const flushed = producer.flush();
      while (pending.length > 0) await reportOldest();
      await flushed;
    } finally {
      await producer.close().catch(() => undefined);
    }
    if (failures === 0) return 0;
    io.stderr.write(`tributary: ${failures} of ${lineNumber} records failed\n`);
    return FAILURE_EXIT_CODE;
  },
};

function describeSendFailure(server: string, error: unknown): string {
  const typed = toTributaryError(connectionFailure(server, error));
  return `${typed.message.replace(/\s*\n\s*/g, ' ')} (${typed.codeName})`;
}

/** stdin lines (without line ends, CRLF too); stops early on Ctrl-C, after which the records read so far are still sent. */
async function* linesOf(io: CliIo): AsyncGenerator<string> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const stop = (): void => lines.close();
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    yield* lines;
  } finally {
    io.signal.removeEventListener('abort', stop);
    lines.close();
  }
}
