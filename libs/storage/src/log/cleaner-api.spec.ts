import { decodeRecordBatch } from '@tributary/records';
import { TributaryError } from '@tributary/errors';
import type { Log } from './log';
import { makeBatch, readAllBatches } from '../test-support/batches';
import { SimHarness } from '../test-support/harness';

/** offset → key of every record the log serves. */
function records(log: Log): Map<number, string> {
  const out = new Map<number, string>();
  for (const b of readAllBatches(log)) for (const r of decodeRecordBatch(b.bytes).records) out.set(r.offset, r.key?.toString() ?? '');
  return out;
}

async function fill(h: SimHarness, batches: number): Promise<Log> {
  await h.open();
  const log = h.log();
  for (let i = 0; i < batches; i++) log.appendAsLeader(makeBatch({ count: 2, valueBytes: 150, seed: i }), 1);
  await log.flush();
  return log;
}

/** Compacts closed segments [from, to) of `log` keeping only every other batch, in `writers` writers. */
async function compact(log: Log, segs: number[], writers: number): Promise<{ kept: Map<number, string>; ws: ReturnType<Log['createSegmentWriter']>[] }> {
  const kept = new Map<number, string>();
  const all: Buffer[] = [];
  for (const base of segs) for (const b of log.segmentBatches(base)) all.push(b.data);
  const keep = all.filter((_, i) => i % 2 === 0);
  const per = Math.ceil(keep.length / writers);
  const ws = [];
  for (let w = 0; w < writers; w++) {
    const part = keep.slice(w * per, (w + 1) * per);
    if (part.length === 0) continue;
    const base = w === 0 ? segs[0] : decodeRecordBatch(part[0]).header.baseOffset;
    const writer = log.createSegmentWriter(base);
    for (const b of part) {
      writer.append(b);
      for (const r of decodeRecordBatch(b).records) kept.set(r.offset, r.key?.toString() ?? '');
    }
    await writer.finish();
    ws.push(writer);
  }
  return { kept, ws };
}

describe('cleaner interface', () => {
  it('lists segments like the plugin SPI view and deletes only a prefix of closed segments, files after the delay', async () => {
    const h = new SimHarness({ segmentBytes: 1200, fileDeleteDelayMs: 5000 });
    const log = await fill(h, 12);
    const segs = log.segments();
    expect(segs.length).toBeGreaterThan(3);
    segs.forEach((s, i) => {
      expect(s.nextOffset).toBe(i + 1 < segs.length ? segs[i + 1].baseOffset : log.logEndOffset);
      expect(s.largestTimestampMs).toBeGreaterThan(0);
      expect(s.isActive).toBe(i === segs.length - 1);
    });
    const err = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as TributaryError).codeName;
      }
      return undefined;
    };
    expect(err(() => log.deleteSegments([segs[1].baseOffset], 'retention.ms'))).toBe('INVALID_REQUEST');
    expect(err(() => log.deleteSegments(segs.map((s) => s.baseOffset), 'retention.ms'))).toBe('INVALID_REQUEST');
    expect(log.deleteSegments([segs[0].baseOffset, segs[1].baseOffset], 'retention.bytes')).toBe(2);
    expect(log.logStartOffset).toBe(segs[2].baseOffset);
    const name = (s: number, suffix: string) => `/data/t-0/${String(s).padStart(20, '0')}.log${suffix}`;
    expect(h.disk.stat(name(segs[0].baseOffset, '.deleted'))).toBeDefined();
    expect(h.disk.stat(name(segs[0].baseOffset, ''))).toBeUndefined();
    h.scheduler.advance(5000);
    expect(h.disk.stat(name(segs[0].baseOffset, '.deleted'))).toBeUndefined();
    log.roll();
    log.advanceLogStartOffset(log.logEndOffset);
    const rest = log.segments().filter((s) => !s.isActive).map((s) => s.baseOffset);
    expect(log.deleteSegments(rest, 'log-start-offset')).toBe(rest.length);
    expect(log.segmentCount).toBe(1);
  });

  it('swaps compacted segments in atomically; readers of old segments keep working; survives restart', async () => {
    const h = new SimHarness({ segmentBytes: 1200, fileDeleteDelayMs: 1000 });
    const log = await fill(h, 12);
    const before = records(log);
    const closed = log.segments().filter((s) => !s.isActive).map((s) => s.baseOffset).slice(0, 3);
    const iterator = log.segmentBatches(closed[1]);
    const firstOld = iterator.next();
    const { kept, ws } = await compact(log, closed, 1);
    log.replaceSegments(closed, ws);
    // The iterator over a swapped-out segment still reads its data.
    const rest = [...iterator];
    expect(firstOld.done).toBe(false);
    expect(rest.length).toBeGreaterThan(0);
    h.scheduler.advance(1000);
    const end = log.segments()[1].baseOffset;
    const expected = new Map([...before].filter(([o]) => o >= end || kept.has(o)));
    expect(records(log)).toEqual(expected);
    await h.restart();
    expect(records(h.log())).toEqual(expected);
    // Appends continue after the swap.
    h.log().appendAsLeader(makeBatch({ seed: 99 }), 1);
    expect(h.log().logEndOffset).toBe(25);
  });

  it('rejects invalid writer input and invalid replacements', async () => {
    const h = new SimHarness({ segmentBytes: 1200 });
    const log = await fill(h, 12);
    const closed = log.segments().filter((s) => !s.isActive).map((s) => s.baseOffset);
    const w = log.createSegmentWriter(closed[0]);
    w.append(makeBatch({ baseOffset: closed[0] + 1 }));
    expect(() => w.append(makeBatch({ baseOffset: closed[0] }))).toThrow(/does not follow/);
    expect(() => log.replaceSegments([closed[0]], [w])).toThrow(/not finished/);
    await w.finish();
    expect(() => log.replaceSegments([closed[0], closed[2]], [w])).toThrow(/contiguous/);
    expect(() => log.replaceSegments([log.activeSegmentBaseOffset], [w])).toThrow(/contiguous/);
    const far = log.createSegmentWriter(closed[1]);
    far.append(makeBatch({ baseOffset: closed[2] + 1 }));
    await far.finish();
    expect(() => log.replaceSegments([closed[0]], [w, far])).toThrow(/does not fit/);
    far.abort();
    log.replaceSegments([closed[0]], [w]);
    expect(records(log).get(closed[0] + 1)).toBeDefined();
  });

  for (const writers of [1, 2]) {
    it(`a crash at any point of a swap with ${writers} writer(s) leaves one consistent log`, async () => {
      for (let step = 0; step < 30; step++) {
        for (const mode of ['drop', 'tear', 'last'] as const) {
          const h = new SimHarness({ segmentBytes: 1200 }, step * 7 + writers);
          const log = await fill(h, 14);
          const before = records(log);
          const closed = log.segments().filter((s) => !s.isActive).map((s) => s.baseOffset).slice(0, 4);
          const { kept, ws } = await compact(log, closed, writers);
          const end = log.segments()[closed.length].baseOffset;
          const after = new Map([...before].filter(([o]) => o >= end || kept.has(o)));
          const stop = h.disk.injectFault({ ops: ['rename', 'fsyncDir'], code: 'EIO', skip: step, count: 1 });
          let failed = false;
          try {
            log.replaceSegments(closed, ws);
          } catch (error) {
            failed = true;
            expect((error as TributaryError).codeName).toBe('KAFKA_STORAGE_ERROR');
          }
          stop();
          await h.crash(mode);
          const got = records(h.log());
          const context = `SEED step=${step} mode=${mode} writers=${writers} failed=${failed}`;
          if (writers === 1) {
            expect([context, got.size === before.size ? 'old' : 'new', got]).toEqual([context, got.size === before.size ? 'old' : 'new', got.size === before.size ? before : after]);
          } else {
            // Every record served is the original record at that offset; everything past the swapped range is intact.
            for (const [o, k] of got) expect([context, o, k]).toEqual([context, o, before.get(o)]);
            for (const [o, k] of before) if (o >= end) expect([context, got.get(o)]).toEqual([context, k]);
            for (const o of kept.keys()) expect([context, got.has(o)]).toEqual([context, true]);
          }
          if (!failed && mode === 'drop') expect(got).toEqual(after);
        }
      }
    });
  }
});
