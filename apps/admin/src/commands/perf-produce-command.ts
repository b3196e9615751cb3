import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { toTributaryError } from '@tributary/errors';
import { createPrng } from '@tributary/util';
import { CONNECTION_OPTIONS, type OptionSpecs, booleanOption, integerOption, requiredIntegerOption, stringOption } from '../cli/args';
import type { Command } from '../cli/command';
import { FAILURE_EXIT_CODE } from '../cli/run-cli';
import { UsageError } from '../cli/usage-error';
import { connectionFailure } from '../cluster/broker-admin';
import { openProducer } from '../cluster/clients';
import { bootstrapServerOf } from '../cluster/connection-options';
import { PRODUCER_OPTIONS, RECORD_OVERHEAD_BYTES, producerConfigOf } from '../cluster/producer-options';
import { jsonLine } from '../format/json-line';
import { LatencyHistogram } from '../perf/latency-histogram';
import { ProgressLine, perfJson, perfSummaryLine } from '../perf/perf-report';
import { TokenBucket } from '../perf/token-bucket';

/**
 * Sends awaiting acknowledgement, at most, by count and by bytes: the loop
 * stops issuing sends past these, so memory stays bounded. The byte bound is
 * half the producer's default buffer.memory (32 MiB) counted the way the
 * producer counts a waiting send (RECORD_OVERHEAD_BYTES of framing per
 * record), so sends never fail with "buffer exhausted" because this loop ran
 * ahead of the producer.
 */
export const MAX_OUTSTANDING_RECORDS = 100_000;
export const MAX_OUTSTANDING_BYTES = 16 * 1024 * 1024;
/** Sends issued between yields to the event loop, so responses are handled while the loop runs. */
export const SENDS_PER_YIELD = 1024;

/** The --topic flag both perf commands require. */
export const PERF_TOPIC_OPTION: OptionSpecs = { topic: { type: 'string', valueName: 'NAME', description: 'The topic (required; create it first).' } };

/** The `--topic` value; a UsageError when missing or empty. */
export function requiredTopic(options: Parameters<typeof stringOption>[0]): string {
  const topic = stringOption(options, 'topic');
  if (topic === undefined || topic === '') throw new UsageError(undefined, '--topic is required');
  return topic;
}

/** Random printable payload (A–Z), so a console consumer can show it; seeded, so runs send the same bytes. */
export function payloadOf(sizeBytes: number, seed: number): Buffer {
  const prng = createPrng(seed);
  const payload = Buffer.alloc(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) payload[i] = 65 + prng.intBetween(0, 25);
  return payload;
}

/** `perf produce`: producer throughput and send-to-ack latency. */
export const perfProduceCommand: Command = {
  spec: {
    path: ['perf', 'produce'],
    summary: 'Producer benchmark (like kafka-producer-perf-test): records/s, MB/s and send-to-ack latency percentiles.',
    positionals: [],
    options: {
      ...CONNECTION_OPTIONS,
      ...PERF_TOPIC_OPTION,
      'num-records': { type: 'string', valueName: 'N', description: 'Records to send (required).' },
      'record-size': { type: 'string', valueName: 'BYTES', defaultText: '100', description: 'Value size of each record (no key).' },
      throughput: { type: 'string', valueName: 'N', defaultText: '-1', description: 'Records per second, paced by a token bucket; -1: as fast as possible.' },
      ...PRODUCER_OPTIONS,
      seed: { type: 'string', valueName: 'N', defaultText: '1', description: 'Seed of the random payload.' },
      json: { type: 'boolean', description: 'End with one JSON line: {"recordsPerSec","mbPerSec","p50Ms","p95Ms","p99Ms","p999Ms","maxLatencyMs",...}.' },
    },
    examples: [
      'tributary perf produce --topic perf --num-records 1000000 --record-size 100 --throughput -1 --acks 1 --json',
      'tributary perf produce --topic perf --num-records 50000 --record-size 1024 --throughput 5000 --acks all',
    ],
  },
  async run(io, { options }) {
    const topic = requiredTopic(options);
    const numRecords = requiredIntegerOption(options, 'num-records', { min: 1 });
    const recordSize = integerOption(options, 'record-size', 100, { min: 0, max: 64 * 1024 * 1024 });
    const throughput = integerOption(options, 'throughput', -1, { min: -1 });
    if (throughput === 0) throw new UsageError(perfProduceCommand.spec, '--throughput must be -1 (unthrottled) or a positive rate');
    const payload = payloadOf(recordSize, integerOption(options, 'seed', 1));
    const server = bootstrapServerOf(options);
    const producer = await openProducer(producerConfigOf(options, server), io.env['TRIBUTARY_DEBUG'] === '1');
    const histogram = new LatencyHistogram();
    let outstanding = 0;
    let acked = 0;
    let errors = 0;
    let firstError: unknown;
    let sent = 0;
    let wakeSender: (() => void) | undefined;
    const maxOutstanding = Math.max(1, Math.min(MAX_OUTSTANDING_RECORDS, Math.floor(MAX_OUTSTANDING_BYTES / (recordSize + RECORD_OVERHEAD_BYTES))));
    const start = performance.now();
    const progress = new ProgressLine(io.stdout, () => `${sent} sent, ${acked} acknowledged, ${Math.round(acked / ((performance.now() - start) / 1000))} records/sec`);
    const settle = (): void => {
      outstanding--;
      const wake = wakeSender;
      wakeSender = undefined;
      wake?.();
    };
    try {
      const bucket = throughput > 0 ? new TokenBucket(throughput, start) : undefined;
      for (; sent < numRecords && !io.signal.aborted; sent++) {
        if (bucket !== undefined) {
          const waitMs = bucket.take(performance.now());
          if (waitMs > 0) await sleep(waitMs);
        }
        while (outstanding >= maxOutstanding) await new Promise<void>((resolve) => (wakeSender = resolve));
        const sentAt = performance.now();
        outstanding++;
        producer.send({ topic, value: payload }).then(
          () => {
            histogram.record(performance.now() - sentAt);
            acked++;
            settle();
          },
          (error: unknown) => {
            errors++;
            firstError ??= error;
            settle();
          },
        );
        if (sent % SENDS_PER_YIELD === SENDS_PER_YIELD - 1) await yieldToEventLoop();
      }
      await producer.flush();
      while (outstanding > 0) await new Promise<void>((resolve) => (wakeSender = resolve));
    } finally {
      progress.stop();
      await producer.close().catch(() => undefined);
    }
    const result = { records: acked, bytes: acked * recordSize, elapsedMs: performance.now() - start, errors, latency: histogram.summary() };
    io.stdout.write(perfSummaryLine('sent', 'send-to-ack', result));
    if (booleanOption(options, 'json')) io.stdout.write(jsonLine({ ...perfJson(result), recordSizeBytes: recordSize }));
    if (errors === 0) return 0;
    const typed = toTributaryError(connectionFailure(server, firstError));
    io.stderr.write(`tributary: ${errors} of ${sent} records failed; first: ${typed.message.replace(/\s*\n\s*/g, ' ')} (${typed.codeName})\n`);
    return FAILURE_EXIT_CODE;
  },
};
