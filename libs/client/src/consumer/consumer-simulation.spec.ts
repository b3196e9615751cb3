import { ErrorCode, TributaryError } from '@tributary/errors';
import { encodeRecordBatch } from '@tributary/records';
import { createPrng } from '@tributary/util';
import { createTestBed } from '../test-support/harness';
import { createConsumer } from './consumer';

/** Seeds run in CI (CONSUMER_SIM_SEEDS runs more); a failure names its seed. */
const SEEDS = Array.from({ length: Number(process.env.CONSUMER_SIM_SEEDS ?? 20) }, (_, i) => 2000 + i);
const PARTITIONS = 3;
const ROUNDS = 80;

async function simulate(seed: number): Promise<string | undefined> {
  const prng = createPrng(seed);
  const bed = createTestBed({ brokers: 2, seed });
  bed.cluster.createTopic('sim', PARTITIONS);
  const consumer = createConsumer<Uint8Array, string>(
    {
      'bootstrap.servers': 'broker-0:9290',
      'value.deserializer': 'string',
      'auto.offset.reset': 'earliest',
      'max.poll.records': prng.intBetween(1, 7),
      'max.partition.fetch.bytes': prng.intBetween(100, 400),
      'fetch.max.wait.ms': prng.intBetween(0, 50),
      'request.timeout.ms': 300,
    },
    bed.deps,
  );
  const tps = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'sim', partition }));
  consumer.assign(tps);
  const written: number[][] = tps.map(() => []);
  const seen: number[][] = tps.map(() => []);
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const p = prng.intBetween(0, PARTITIONS - 1);
    const count = prng.intBetween(0, 3);
    if (count > 0) {
      const values = Array.from({ length: count }, () => next++);
      bed.cluster.append('sim', p, encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(String(v)), timestamp: v })) }));
      written[p].push(...values);
    }
    const roll = prng.next();
    if (roll < 0.08) bed.cluster.failFetch('sim', p, [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.KAFKA_STORAGE_ERROR][prng.intBetween(0, 2)]);
    else if (roll < 0.12) bed.cluster.rejectNext('fetch', new TributaryError('NETWORK_EXCEPTION'));
    else if (roll < 0.15) bed.cluster.hangNext('fetch');
    else if (roll < 0.2) bed.cluster.setLeader('sim', p, prng.intBetween(0, 1));
    else if (roll < 0.25) consumer.pause([tps[p]]);
    else if (roll < 0.35) consumer.resume(consumer.paused());
    const polled = consumer.poll(prng.intBetween(0, 60));
    await bed.advance(60, 5);
    for (const r of await polled) seen[r.partition].push(Number(r.value));
  }
  consumer.resume(consumer.paused());
  // Drain what is left, bounded by fake time (max.poll.records may be 1).
  const deadline = bed.scheduler.monotonicMs() + 60_000;
  while (seen.flat().length < next && bed.scheduler.monotonicMs() < deadline) {
    const polled = consumer.poll(100);
    await bed.advance(100, 10);
    for (const r of await polled) seen[r.partition].push(Number(r.value));
  }
  for (let p = 0; p < PARTITIONS; p++) {
    if (seen[p].join(',') !== written[p].join(',')) return `SEED=${seed}: sim-${p} wrote ${written[p].join(',')} but polled ${seen[p].join(',')}`;
    const position = consumer.position(tps[p]);
    await bed.advance(10);
    if ((await position) !== written[p].length) return `SEED=${seed}: sim-${p} position ${await position}, ${written[p].length} records`;
    if (consumer.currentLag(tps[p]) !== 0) return `SEED=${seed}: sim-${p} lag ${consumer.currentLag(tps[p])} at the end`;
  }
  await consumer.close();
  return undefined;
}

describe('consumer under seeded faults', () => {
  it.each(SEEDS)('seed %i: every record is polled exactly once, in offset order per partition', async (seed) => {
    expect(await simulate(seed)).toBeUndefined();
  });
});
