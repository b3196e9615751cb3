import { createConsumer } from '@tributary/client';
import type { LoggedRecord, PartitionLog } from './verify-log';

/** Longest one read-back may wait without getting any record while some partition is short of its end. */
const READ_IDLE_TIMEOUT_MS = 30_000;
const POLL_TIMEOUT_MS = 1_000;
const MAX_POLL_RECORDS = 5_000;

/**
 * Reads every partition of `topic` from offset 0 to its high watermark (as
 * ListOffsets reports it before reading) with a manually assigned consumer.
 * Values are kept as bytes so that `verifyLog` judges garbage, not a
 * deserializer. Rejects if the log start is not 0 or if no record arrives for
 * READ_IDLE_TIMEOUT_MS while some partition is short.
 */
export async function readLogs(bootstrap: string, topic: string, partitionCount: number): Promise<PartitionLog[]> {
  const consumer = createConsumer<string, Uint8Array>({
    'bootstrap.servers': bootstrap,
    'key.deserializer': 'string',
    'value.deserializer': 'bytes',
    'auto.offset.reset': 'earliest',
    'max.poll.records': MAX_POLL_RECORDS,
  });
  try {
    const tps = Array.from({ length: partitionCount }, (_, partition) => ({ topic, partition }));
    consumer.assign(tps);
    const starts = await consumer.beginningOffsets(tps);
    const misplacedStart = starts.find((s) => s.offset !== 0);
    if (misplacedStart) throw new Error(`partition ${misplacedStart.partition} starts at offset ${misplacedStart.offset}, not 0`);
    consumer.seekToBeginning(tps);
    const ends = (await consumer.endOffsets(tps)).sort((a, b) => a.partition - b.partition).map((e) => e.offset);
    const records: LoggedRecord[][] = tps.map(() => []);
    const next = tps.map(() => 0);
    let idleSinceMs = Date.now();
    while (next.some((offset, partition) => offset < ends[partition])) {
      const polled = await consumer.poll(POLL_TIMEOUT_MS);
      if (polled.length > 0) idleSinceMs = Date.now();
      else if (Date.now() - idleSinceMs > READ_IDLE_TIMEOUT_MS) throw new Error(`reading ${topic} stalled at offsets ${next.join(',')} of ${ends.join(',')}`);
      for (const r of polled) {
        if (r.offset >= ends[r.partition]) continue;
        records[r.partition].push({ offset: r.offset, key: r.key, value: r.value });
        next[r.partition] = r.offset + 1;
      }
    }
    return tps.map(({ partition }) => ({ partition, endOffset: ends[partition], records: records[partition] }));
  } finally {
    await consumer.close();
  }
}
