import fc from 'fast-check';
import { FakeScheduler } from '@tributary/util';
import { SimulatedDisk } from '../disk/simulated-disk';
import { LogManager } from '../log-manager';
import type { Log } from './log';
import { silentStorageLogger } from './logger';
import { makeBatch, readAllBatches, splitBatches } from '../test-support/batches';

/** The model: the batches the log must hold, with their assigned offsets. */
interface ModelBatch {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

type Op =
  | { kind: 'append'; batches: { count: number; valueBytes: number }[]; durable: boolean }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'roll' }
  | { kind: 'flush' }
  | { kind: 'restart' }
  | { kind: 'crash' }
  | { kind: 'deleteOldest' }
  | { kind: 'advanceStart'; at: number }
  | { kind: 'time'; ms: number }
  | { kind: 'follower'; gap: number; count: number }
  | { kind: 'compact'; from: number; segments: number; keepEvery: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('append' as const), batches: fc.array(fc.record({ count: fc.integer({ min: 1, max: 4 }), valueBytes: fc.integer({ min: 0, max: 200 }) }), { minLength: 1, maxLength: 3 }), durable: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), maxBytes: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'roll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deleteOldest' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advanceStart' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('follower' as const), gap: fc.integer({ min: 0, max: 3 }), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), from: fc.double({ min: 0, max: 1, noNaN: true }), segments: fc.integer({ min: 1, max: 3 }), keepEvery: fc.integer({ min: 1, max: 4 }) }) },
);

const TP = { topic: 'model', partition: 0 };

async function run(ops: Op[], seed: number): Promise<void> {
  const disk = new SimulatedDisk({ seed });
  const scheduler = new FakeScheduler(1_700_000_000_000);
  const config = { segmentBytes: 3072, indexIntervalBytes: 200, segmentIndexBytes: 64, fileDeleteDelayMs: 1000 };
  const open = () => LogManager.open({ disk, logDirs: ['/d'], scheduler, logger: silentStorageLogger, defaultConfig: config });
  let mgr = await open();
  let log: Log = mgr.getOrCreateLog(TP);
  let model: ModelBatch[] = [];
  let logStart = 0;
  let leo = 0;
  let durable = 0;
  let seq = 0;
  let truncations = 0;
  const pending: Promise<unknown>[] = [];

  const check = (): void => {
    expect(log.logEndOffset).toBe(leo);
    expect(log.logStartOffset).toBe(logStart);
    const actual = readAllBatches(log);
    const expected = model.filter((b) => b.lastOffset >= logStart);
    expect(actual.map((b) => [b.baseOffset, b.lastOffset])).toEqual(expected.map((b) => [b.baseOffset, b.lastOffset]));
    actual.forEach((b, i) => expect(b.bytes.equals(expected[i].bytes)).toBe(true));
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'append': {
        const bufs = op.batches.map((b) => makeBatch({ count: b.count, valueBytes: b.valueBytes, seed: ++seq, timestamp: scheduler.nowMs() }));
        const all = Buffer.concat(bufs);
        if (op.durable) {
          const target = log;
          const p = target.append(all, { leaderEpoch: 1, durable: true });
          const end = leo + op.batches.reduce((n, b) => n + b.count, 0);
          const era = truncations;
          pending.push(
            p.then(
              () => {
                if (era === truncations) expect(target.recoveryPoint).toBeGreaterThanOrEqual(end);
              },
              () => undefined,
            ),
          );
        } else {
          log.appendAsLeader(all, 1);
        }
        for (const b of splitBatches(all)) model.push({ ...b, bytes: Buffer.from(b.bytes) });
        leo = model[model.length - 1].lastOffset + 1;
        break;
      }
      case 'read': {
        const at = Math.min(leo, logStart + Math.floor(op.at * (leo - logStart + 1)));
        const r = log.read(at, { maxBytes: op.maxBytes });
        const got = splitBatches(r.records);
        const i = model.findIndex((b) => b.lastOffset >= at);
        if (at === leo || i < 0) expect(got).toHaveLength(0);
        else {
          expect(got.length).toBeGreaterThan(0);
          got.forEach((b, j) => expect(b.bytes.equals(model[i + j].bytes)).toBe(true));
          expect(r.records.length <= op.maxBytes || got.length === 1).toBe(true);
        }
        break;
      }
      case 'truncate': {
        const at = Math.min(leo, Math.floor(op.at * (leo + 1)));
        if (at < logStart) break;
        log.truncateTo(at);
        truncations++;
        if (at < leo) {
          const straddle = model.find((b) => b.baseOffset < at && b.lastOffset >= at);
          model = model.filter((b) => b.lastOffset < at);
          leo = straddle ? straddle.baseOffset : at;
          durable = Math.min(durable, leo);
          if (logStart > leo) logStart = leo;
        }
        break;
      }
      case 'roll':
        log.roll();
        break;
      case 'flush':
        await log.flush();
        durable = leo;
        expect(log.recoveryPoint).toBe(leo);
        break;
      case 'restart':
        await Promise.all(pending.splice(0));
        await mgr.shutdown();
        mgr = await open();
        log = mgr.getLog(TP) as Log;
        expect(log.loadReport.clean).toBe(true);
        durable = leo;
        break;
      case 'crash': {
        mgr.abandon();
        disk.crash();
        truncations++;
        pending.splice(0);
        mgr = await open();
        log = mgr.getLog(TP) as Log;
        // The log is a prefix of what was appended, and holds everything fsynced.
        const actual = readAllBatches(log);
        expect(log.logEndOffset).toBeGreaterThanOrEqual(durable);
        const start = log.logStartOffset;
        const expected = model.filter((b) => b.lastOffset >= start);
        expect(actual.length).toBeLessThanOrEqual(expected.length);
        actual.forEach((b, i) => expect(b.bytes.equals(expected[i].bytes)).toBe(true));
        leo = log.logEndOffset;
        model = model.filter((b) => b.lastOffset < leo);
        logStart = log.logStartOffset;
        durable = Math.min(durable, leo);
        break;
      }
      case 'deleteOldest': {
        const segs = log.segments();
        if (segs.length > 1) {
          log.deleteSegments([segs[0].baseOffset], 'retention.ms');
          logStart = Math.max(logStart, segs[1].baseOffset);
        }
        break;
      }
      case 'advanceStart': {
        const at = Math.min(leo, logStart + Math.floor(op.at * (leo - logStart + 1)));
        log.advanceLogStartOffset(at);
        logStart = Math.max(logStart, at);
        break;
      }
      case 'time':
        scheduler.advance(op.ms);
        await Promise.resolve();
        break;
      case 'follower': {
        let base = leo + op.gap;
        const bufs: Buffer[] = [];
        for (let i = 0; i < op.count; i++) {
          const b = makeBatch({ count: 2, valueBytes: 40, seed: ++seq, baseOffset: base, epoch: 2, timestamp: scheduler.nowMs() });
          bufs.push(b);
          base += 2;
        }
        const all = Buffer.concat(bufs);
        log.appendAsFollower(all);
        for (const b of splitBatches(all)) model.push({ ...b, bytes: Buffer.from(b.bytes) });
        leo = model[model.length - 1].lastOffset + 1;
        break;
      }
      case 'compact': {
        const closed = log.segments().filter((sv) => !sv.isActive);
        if (closed.length === 0) break;
        const first = Math.min(closed.length - 1, Math.floor(op.from * closed.length));
        const chosen = closed.slice(first, first + op.segments);
        const lo = chosen[0].baseOffset;
        const hi = chosen[chosen.length - 1].nextOffset;
        const writer = log.createSegmentWriter(lo);
        const inRange: ModelBatch[] = [];
        for (const sv of chosen) for (const b of log.segmentBatches(sv.baseOffset)) inRange.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, bytes: b.data });
        // keepEvery 1–3: keep every n-th batch; 4: compaction removed everything in the range.
        const kept = op.keepEvery === 4 ? [] : inRange.filter((_, i) => i % op.keepEvery === 0);
        for (const b of kept) writer.append(b.bytes);
        await writer.finish();
        log.replaceSegments(
          chosen.map((sv) => sv.baseOffset),
          [writer],
        );
        const dropped = new Set(inRange.filter((b) => !kept.includes(b)).map((b) => b.baseOffset));
        model = model.filter((b) => b.baseOffset < lo || b.baseOffset >= hi || !dropped.has(b.baseOffset));
        break;
      }
    }
    check();
  }
  await Promise.all(pending);
  await mgr.shutdown();
}

describe('Log against a model', () => {
  it('append/read/truncate/roll/restart/crash/retention sequences agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (ops, seed) => {
        try {
          await run(ops, seed);
        } catch (error) {
          console.error(`SEED=${seed}`);
          throw error;
        }
      }),
      { numRuns: Number(process.env.STORAGE_PROPERTY_RUNS ?? 150) },
    );
  });
});
