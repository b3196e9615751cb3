import { TributaryError } from '@tributary/errors';
import { CONNECTION_OPTIONS, booleanOption, integerOption, listOption, parseKeyValues, requiredIntegerOption } from '../cli/args';
import type { Command } from '../cli/command';
import { connectionFailure } from '../cluster/broker-admin';
import { openConsumer } from '../cluster/clients';
import { bootstrapServerOf, withAdmin } from '../cluster/connection-options';
import { jsonLine } from '../format/json-line';
import { LatencyHistogram } from '../perf/latency-histogram';
import { ProgressLine, perfJson, perfSummaryLine } from '../perf/perf-report';
import { PERF_TOPIC_OPTION, requiredTopic } from './perf-produce-command';

/** Longest single poll, so the idle timeout and Ctrl-C are noticed promptly. */
const MAX_POLL_WAIT_MS = 500;

/** `perf consume`: consumer throughput and end-to-end latency. */
export const perfConsumeCommand: Command = {
  spec: {
    path: ['perf', 'consume'],
    summary: 'Consumer benchmark (like kafka-consumer-perf-test) from the earliest offsets: records/s, MB/s and end-to-end latency from record timestamps.',
    positionals: [],
    options: {
      ...CONNECTION_OPTIONS,
      ...PERF_TOPIC_OPTION,
      'num-records': { type: 'string', valueName: 'N', description: 'Records to consume (required).' },
      'timeout-ms': { type: 'string', valueName: 'MS', defaultText: '10000', description: 'Give up after MS without a record (then exit 1: fewer records than asked).' },
      'consumer-property': { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'Any consumer config, e.g. max.poll.records=2000.' },
      json: { type: 'boolean', description: 'End with one JSON line: {"recordsPerSec","mbPerSec","p50Ms","p99Ms",...}.' },
    },
    examples: ['tributary perf consume --topic perf --num-records 1000000 --json'],
  },
  async run(io, { options }) {
    const topic = requiredTopic(options);
    const numRecords = requiredIntegerOption(options, 'num-records', { min: 1 });
    const idleTimeoutMs = integerOption(options, 'timeout-ms', 10_000, { min: 0 });
    const extra = Object.fromEntries(parseKeyValues(listOption(options, 'consumer-property'), '--consumer-property').map((c) => [c.key, c.value ?? '']));
    const server = bootstrapServerOf(options);
    const [description] = await withAdmin(options, (admin) => admin.describeTopics([topic]));
    const assignment = description.partitions.map((p) => ({ topic, partition: p.partition }));
    const consumer = await openConsumer({ 'bootstrap.servers': server, 'auto.offset.reset': 'earliest', ...extra }, io.env['TRIBUTARY_DEBUG'] === '1');
    const histogram = new LatencyHistogram();
    let records = 0;
    let bytes = 0;
    const stopPolling = (): void => consumer.wakeup();
    io.signal.addEventListener('abort', stopPolling, { once: true });
    // The clock starts at the assignment, as kafka-consumer-perf-test's does (it includes the first fetch's wait).
    const start = performance.now();
    // Throughput is measured up to the last record, not through the idle wait that ends a short run.
    let lastRecordMs = start;
    const progress = new ProgressLine(io.stdout, () => `${records} consumed, ${Math.round(records / ((performance.now() - start) / 1000))} records/sec`);
    try {
      consumer.assign(assignment);
      consumer.seekToBeginning(assignment);
      while (records < numRecords && !io.signal.aborted) {
        const idleLeftMs = Math.max(lastRecordMs, start) + idleTimeoutMs - performance.now();
        if (idleLeftMs <= 0) break;
        const batch = await consumer.poll(Math.min(MAX_POLL_WAIT_MS, idleLeftMs));
        if (batch.length === 0) continue;
        lastRecordMs = performance.now();
        const nowMs = Date.now();
        for (const record of batch) {
          if (records >= numRecords) break;
          records++;
          bytes += Math.max(0, record.serializedKeySize) + Math.max(0, record.serializedValueSize);
          histogram.record(nowMs - record.timestamp);
        }
      }
    } catch (error) {
      throw connectionFailure(server, error);
    } finally {
      progress.stop();
      io.signal.removeEventListener('abort', stopPolling);
      await consumer.close().catch(() => undefined);
    }
    const result = { records, bytes, elapsedMs: lastRecordMs - start, errors: 0, latency: histogram.summary() };
    io.stdout.write(perfSummaryLine('consumed', 'end-to-end', result));
    if (booleanOption(options, 'json')) io.stdout.write(jsonLine(perfJson(result)));
    if (records < numRecords && !io.signal.aborted) {
      throw new TributaryError('REQUEST_TIMED_OUT', `consumed ${records} of ${numRecords} records: none arrived for ${idleTimeoutMs} ms`);
    }
    return 0;
  },
};
