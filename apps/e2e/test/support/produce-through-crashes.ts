import { type AdminClient, type CompressionName, createAdminClient, createGrpcTransport, createProducer } from '@tributary/client';
import type { BrokerNode, RunningBroker } from './broker-node';
import { ProduceObserver } from './produce-observer';
import { type Acknowledgements, newAcknowledgements } from './verify-log';
import { type Workload, valueOf } from './workload';

/**
 * Sends not yet settled at any time: bounds the test's memory while the broker
 * is down, and keeps the stream going across each kill. Well above what the
 * producer's five in-flight requests hold (5 × 6 partitions × a 16 KiB batch
 * ≈ 6,000 records), so it always has full batches to fill its slots with.
 */
export const MAX_OUTSTANDING_SENDS = 30_000;
/** Distinct send errors kept for the report (a broken run may fail every send the same way). */
const MAX_KEPT_ERRORS = 10;

/** One SIGKILL and restart, as it happened. */
export interface CrashRecord {
  /** The acknowledged count that triggered it (the planned moment). */
  readonly plannedAfterAcks: number;
  /** Acknowledged and sent counts when the signal went out. */
  readonly ackedAtKill: number;
  readonly sentAtKill: number;
  readonly restartMs: number;
  /** Records in the topic's log right after the restart: what the broker wrote before it was killed. */
  readonly recoveredRecords: number;
  /** Records of the produce answer withheld from the producer before the kill (appended, never acknowledged by that broker). */
  readonly withheldRecords: number;
  /** For every second crash, the line at which the restarting broker was killed again (undefined: not done, or it exited first). */
  readonly killedDuringRecoveryAt: string | undefined;
  readonly readyLine: string;
}

/** What the producer saw: acknowledgements by record id, failed sends, the crashes, timing. */
export interface ProduceRunResult {
  readonly acks: Acknowledgements;
  readonly acknowledged: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly crashes: readonly CrashRecord[];
  /** Batches whose answer was withheld before a kill, so the producer had to resend them. */
  readonly withheldBatches: number;
  /** Withheld batches that later batches of their partition had followed into the log before the kill. */
  readonly withheldBehindLatest: number;
  /** Batches (and their records) a restarted broker acknowledged as duplicates of what it had appended before the kill. */
  readonly dedupedBatches: number;
  readonly dedupedRecords: number;
  /** Warnings the client logged (failed metadata requests while the broker was down). */
  readonly clientWarnings: number;
  readonly elapsedMs: number;
}

/**
 * Kill moments for a run of `count` records: `kills` distinct acknowledged
 * counts drawn with `next` (a seeded PRNG's `next`) between 10% and 90% of the
 * run, in ascending order. At each, the broker is killed as soon as the next
 * produce answer has been withheld from the producer.
 */
export function planKillMoments(next: () => number, count: number, kills: number): number[] {
  const low = Math.floor(count * 0.1);
  const span = Math.floor(count * 0.8);
  const moments = new Set<number>();
  while (moments.size < Math.min(kills, span)) moments.add(low + 1 + Math.floor(next() * span));
  return [...moments].sort((a, b) => a - b);
}

/**
 * Sends every record of `workload` to `topic` with an idempotent producer
 * (acks=all, unlimited retries within a delivery timeout that outlasts a
 * restart), at most MAX_OUTSTANDING_SENDS unsettled at a time. Whenever the
 * acknowledged count reaches the next of `killAfterAcks`, the next produce
 * answer is withheld from the producer (see ProduceObserver), the broker is
 * SIGKILLed, that call fails as a dropped connection, and the broker is
 * restarted on the same port and data dir (every second time after one more
 * kill during its recovery) while the producer keeps sending and retrying.
 * Resolves when every send has settled and every restart has finished.
 */
export async function produceThroughCrashes(node: BrokerNode, topic: string, workload: Workload, killAfterAcks: readonly number[], compression: CompressionName = 'none'): Promise<ProduceRunResult> {
  const startedMs = Date.now();
  const acks = newAcknowledgements(workload.count);
  const errors = new Map<string, number>();
  const crashes: CrashRecord[] = [];
  let acknowledged = 0;
  let failed = 0;
  let sent = 0;
  let outstanding = 0;
  let onSettled: (() => void) | undefined;
  let onAck: (() => void) | undefined;
  let allSent = false;
  let crashError: unknown;
  let clientWarnings = 0;

  const observer = new ProduceObserver();
  // The client warns about every refused connection while the broker is down: expected here, so counted, not printed.
  const logger = { warn: () => void clientWarnings++ };
  const admin = createAdminClient({ 'bootstrap.servers': node.address }, { logger });
  const producer = createProducer<string, Buffer>(
    {
      'bootstrap.servers': node.address,
      'enable.idempotence': true,
      acks: 'all',
      retries: 2147483647,
      // Rides out a restart (a recovery scan of a few MB takes a second or two) many times over.
      'delivery.timeout.ms': 120_000,
      'request.timeout.ms': 15_000,
      'max.block.ms': 120_000,
      'retry.backoff.ms': 20,
      'retry.backoff.max.ms': 250,
      'linger.ms': 5,
      'compression.type': compression,
      'key.serializer': 'string',
      'value.serializer': 'bytes',
    },
    { logger, transport: observer.wrap(createGrpcTransport()) },
  );

  // Each crash waits for its moment, kills, and restarts before the next one may fire.
  const crashLoop = (async () => {
    for (const moment of killAfterAcks) {
      while (acknowledged < moment && !(allSent && outstanding === 0)) await new Promise<void>((resolve) => (onAck = resolve));
      if (acknowledged < moment) return;
      // The broker has appended the batches of this answer; the producer will not hear of it before the kill.
      const withheld = await observer.withholdNextAnswer();
      const ackedAtKill = acknowledged;
      const sentAtKill = sent;
      const killedMs = Date.now();
      // New produce calls wait from the kill until the restarted broker's log end offsets are known (see ProduceObserver).
      observer.hold();
      let restarted: RunningBroker;
      let recoveredRecords = 0;
      let killedDuringRecoveryAt: string | undefined;
      try {
        const exit = await node.stop('SIGKILL');
        if (exit.signal !== 'SIGKILL') throw new Error(`the broker exited with ${JSON.stringify(exit)} before it was killed`);
        observer.failWithheld();
        // Every second crash hits the restart too: a SIGKILL while the broker recovers, then a start that must recover again.
        if (crashes.length % 2 === 1) killedDuringRecoveryAt = await node.crashDuringStartup();
        restarted = await node.start();
        const ends = await logEndOffsets(admin, topic, workload.partitionCount);
        recoveredRecords = ends.reduce((sum, e) => sum + e.offset, 0);
        observer.release(ends);
      } finally {
        observer.failWithheld();
        observer.release();
      }
      crashes.push({ plannedAfterAcks: moment, ackedAtKill, sentAtKill, restartMs: Date.now() - killedMs, recoveredRecords, withheldRecords: withheld.records, killedDuringRecoveryAt, readyLine: restarted.readyLine });
    }
  })();
  // A restart that fails leaves nothing to send to: fail what is pending at once rather than after delivery.timeout.ms.
  crashLoop.catch((error: unknown) => {
    crashError = error;
    void producer.close(0);
  });
  const wakeCrashLoop = (): void => {
    const wake = onAck;
    onAck = undefined;
    wake?.();
  };

  try {
    for (let id = 0; id < workload.count && crashError === undefined; id++) {
      while (outstanding >= MAX_OUTSTANDING_SENDS) await new Promise<void>((resolve) => (onSettled = resolve));
      outstanding++;
      sent++;
      producer
        .send({ topic, key: workload.keys[id], value: valueOf(workload, id) })
        .then(
          (metadata) => {
            acks.partition[id] = metadata.partition;
            acks.offset[id] = metadata.offset;
            acknowledged++;
          },
          (error: unknown) => {
            failed++;
            const text = String(error);
            if (errors.size < MAX_KEPT_ERRORS || errors.has(text)) errors.set(text, (errors.get(text) ?? 0) + 1);
          },
        )
        .finally(() => {
          outstanding--;
          const settled = onSettled;
          onSettled = undefined;
          settled?.();
          wakeCrashLoop();
        });
    }
    allSent = true;
    if (crashError === undefined) await producer.flush();
    while (outstanding > 0) await new Promise<void>((resolve) => (onSettled = resolve));
    wakeCrashLoop();
    await crashLoop;
  } finally {
    allSent = true;
    wakeCrashLoop();
    await producer.close(0);
    await admin.close();
  }
  return {
    acks,
    acknowledged,
    failed,
    errors: [...errors].map(([text, n]) => `${n} × ${text}`),
    crashes,
    withheldBatches: observer.withheldBatches,
    withheldBehindLatest: observer.withheldBehindLatest,
    dedupedBatches: observer.dedupedBatches,
    dedupedRecords: observer.dedupedRecords,
    clientWarnings,
    elapsedMs: Date.now() - startedMs,
  };
}

async function logEndOffsets(admin: AdminClient, topic: string, partitionCount: number): Promise<{ topic: string; partition: number; offset: number }[]> {
  const ends = await admin.listOffsets(Array.from({ length: partitionCount }, (_, partition) => ({ topic, partition, spec: 'latest' as const })));
  return ends.map(({ partition, offset }) => {
    if (offset === null) throw new Error(`no log end offset for ${topic}-${partition} after the restart`);
    return { topic, partition, offset };
  });
}
