import { type CompressionName, createAdminClient } from '@tributary/client';
import { createTempDir, withSeed } from '@tributary/testing';
import { BrokerNode } from './support/broker-node';
import { planKillMoments, produceThroughCrashes } from './support/produce-through-crashes';
import { readLogs } from './support/read-logs';
import { verifyLog } from './support/verify-log';
import { planWorkload } from './support/workload';

function envCount(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${text}'`);
  return value;
}

const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function envCompression(): CompressionName {
  const text = process.env['E2E_COMPRESSION'] ?? 'none';
  const name = COMPRESSION_NAMES.find((n) => n === text);
  if (name === undefined) throw new Error(`E2E_COMPRESSION must be one of ${COMPRESSION_NAMES.join(', ')}, got '${text}'`);
  return name;
}

/** Records sent per run; CI runs the default, the soak target raises it. */
const RECORDS = envCount('E2E_RECORDS', 100_000, 1_000);
/** SIGKILLs per run, at seeded acknowledged counts. */
const KILLS = envCount('E2E_KILLS', 3, 2);
/** The producer's compression.type (E2E_COMPRESSION), `none` unless set. */
const COMPRESSION = envCompression();
const PARTITIONS = 6;
const TOPIC = 'e2e-crash';
/** Small segments, so recovery scans and rolls several segments per partition. */
const SEGMENT_BYTES = 64 * 1024;

describe('a broker SIGKILLed mid-stream', () => {
  it(`keeps every acknowledged record exactly once, in order, over ${KILLS} kills in ${RECORDS} records, and a clean restart keeps them all`, () =>
    withSeed(async (seed, prng) => {
      const dataDir = createTempDir('e2e-crash');
      const node = new BrokerNode(dataDir.path, [`log.segment.bytes=${SEGMENT_BYTES}`]);
      expect((await node.start()).startup).toBe('fresh');
      const admin = createAdminClient({ 'bootstrap.servers': node.address });
      try {
        const [created] = await admin.createTopics([{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }]);
        expect(created).toMatchObject({ name: TOPIC, ok: true });
      } finally {
        await admin.close();
      }

      const workload = planWorkload(prng, RECORDS, PARTITIONS);
      const killMoments = planKillMoments(() => prng.next(), RECORDS, KILLS);
      const run = await produceThroughCrashes(node, TOPIC, workload, killMoments, COMPRESSION);
      // Printed before any check, so a failing run shows what happened too.
      console.log(
        JSON.stringify({
          seed,
          records: RECORDS,
          compression: COMPRESSION,
          kills: run.crashes.map((c) => ({
            afterAcks: c.ackedAtKill,
            sendsInFlight: c.sentAtKill - c.ackedAtKill,
            withheldRecords: c.withheldRecords,
            recoveredRecords: c.recoveredRecords,
            restartMs: c.restartMs,
            ...(c.killedDuringRecoveryAt === undefined ? {} : { killedAgainAt: /\bready\b/.test(c.killedDuringRecoveryAt) ? 'ready' : 'logs loaded' }),
          })),
          produceMs: run.elapsedMs,
          producedRecordsPerSec: Math.round(RECORDS / (run.elapsedMs / 1000)),
          withheldBatches: { total: run.withheldBatches, behindLatest: run.withheldBehindLatest },
          dedupedAfterRestart: { batches: run.dedupedBatches, records: run.dedupedRecords },
          clientWarnings: run.clientWarnings,
          failedSends: run.failed,
          sendErrors: run.errors,
        }),
      );

      expect(run.crashes.map((c) => c.plannedAfterAcks)).toEqual(killMoments);
      run.crashes.forEach((crash, i) => {
        // Every second restart was itself killed once, while recovering, before the restart that must recover again.
        if (i % 2 === 1) expect(crash.killedDuringRecoveryAt).toMatch(/\bloaded \d+ logs from\b|\bready\b/);
        // Mid-stream: records were in flight when the signal went out, and more were still to come.
        expect(crash.sentAtKill).toBeGreaterThan(crash.ackedAtKill);
        expect(crash.ackedAtKill).toBeLessThan(RECORDS);
        expect(crash.readyLine).toMatch(/\bstartup=recovered\b/);
        expect(crash.withheldRecords).toBeGreaterThan(0);
      });
      const afterCrashes = verifyLog(workload, run.acks, await readLogs(node.address, TOPIC, PARTITIONS));
      console.log(JSON.stringify({ recordsInLog: afterCrashes.recordsInLog, unacknowledgedInLog: afterCrashes.unacknowledgedInLog }));
      expect(afterCrashes.violations).toEqual([]);
      // Every batch whose acknowledgement was lost at a kill was resent, and the restarted broker answered it as the
      // duplicate it was (at its old offsets) instead of appending it again.
      expect(run.withheldBatches).toBeGreaterThanOrEqual(run.crashes.length);
      expect(run.dedupedBatches).toBeGreaterThanOrEqual(run.withheldBatches);
      // Liveness: with retries and a delivery timeout that outlasts every restart, no send may fail.
      expect({ failed: run.failed, errors: run.errors }).toEqual({ failed: 0, errors: [] });
      expect(afterCrashes.acknowledged).toBe(RECORDS);

      const stopped = await node.stop('SIGTERM');
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect((await node.start()).startup).toBe('clean');
      const afterCleanRestart = verifyLog(workload, run.acks, await readLogs(node.address, TOPIC, PARTITIONS));
      expect(afterCleanRestart.violations).toEqual([]);
      expect(afterCleanRestart.recordsInLog).toBe(afterCrashes.recordsInLog);

    }));
});
