import type { CleanupPolicy, PartitionLogView } from '@tributary/plugins-api';
import { FakeScheduler } from '@tributary/util';
import { CleanerCheckpointStore } from '../cleaner/cleaner-checkpoint-store';
import { MemoryLog } from '../cleaner/test-support/memory-log';
import { rec, text } from '../cleaner/test-support/records';
import { SimulatedDisk } from '../disk/simulated-disk';
import { readFileIfExists } from '../log/atomic-file';
import { CapturingStorageLogger } from '../log/logger';
import { type CleanerSettings, CleanupManager, type CleanupPassReport, DEFAULT_CLEANER_SETTINGS, type ManagedLog } from './cleanup-manager';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A MemoryLog the manager can clean: its topic config is a mutable record, as a runtime config change would leave it. */
class ManagedMemoryLog extends MemoryLog implements ManagedLog {
  config: Record<string, string | number | boolean | readonly string[]>;

  constructor(
    topic: string,
    scheduler: FakeScheduler,
    config: Record<string, string | number | boolean | readonly string[]>,
    readonly logDir: string,
  ) {
    super(topic, 0, () => scheduler.nowMs());
    this.config = config;
  }

  topicConfig(): PartitionLogView['config'] {
    return this.config;
  }
}

function setup(options: { settings?: Partial<CleanerSettings>; policyFor?: (name: string) => CleanupPolicy | undefined } = {}) {
  const scheduler = new FakeScheduler(1_000 * DAY_MS);
  const disk = new SimulatedDisk();
  const logDir = '/data';
  disk.mkdir(logDir);
  const logger = new CapturingStorageLogger();
  const logs: ManagedMemoryLog[] = [];
  let settings: CleanerSettings = { ...DEFAULT_CLEANER_SETTINGS, retentionCheckIntervalMs: 1000, dedupeBufferSize: 1 << 20, ...options.settings };
  const checkpoints = new CleanerCheckpointStore(disk);
  let passesStarted = 0;
  const passWaiters: ((report: CleanupPassReport) => void)[] = [];
  const manager = new CleanupManager({
    scheduler,
    // Called synchronously when a pass starts: counts passes without waiting on the event loop.
    logs: () => {
      passesStarted++;
      return logs;
    },
    checkpoints,
    settings: () => settings,
    logger,
    policyFor: options.policyFor,
    onPass: (report) => passWaiters.splice(0).forEach((resolve) => resolve(report)),
  });
  return {
    /** Passes started so far (a scheduled pass starts inside `scheduler.advance`). */
    passesStarted: () => passesStarted,
    /** Resolves when the pass in progress (or the next one) ends. */
    nextPass: () => new Promise<CleanupPassReport>((resolve) => passWaiters.push(resolve)),
    scheduler,
    disk,
    logDir,
    logger,
    logs,
    manager,
    checkpoints,
    setSettings: (s: Partial<CleanerSettings>) => (settings = { ...settings, ...s }),
    addLog: (topic: string, config: Record<string, string | number | boolean | readonly string[]>) => {
      const log = new ManagedMemoryLog(topic, scheduler, config, logDir);
      logs.push(log);
      return log;
    },
  };
}

/** Appends one batch per entry at the scheduler's time, rolling a segment after each. */
function fillSegments(log: MemoryLog, scheduler: FakeScheduler, values: (string | null)[][], stepMs = 0): void {
  for (const segment of values) {
    for (const value of segment) log.append({ records: [rec(value === null ? null : value.split('=')[0], value?.split('=')[1] ?? null, scheduler.nowMs())] });
    log.roll();
    scheduler.advance(stepMs);
  }
}

describe('CleanupManager', () => {
  describe('retention (cleanup.policy=delete)', () => {
    it('deletes closed segments whose largest timestamp is older than retention.ms, never the active one', async () => {
      const { scheduler, manager, addLog } = setup();
      const log = addLog('t', { 'cleanup.policy': 'delete', 'retention.ms': 10_000 });
      fillSegments(log, scheduler, [['a=1'], ['b=1'], ['c=1']], 6_000);
      log.append({ records: [rec('d', '1', 0)] }); // active, with an ancient timestamp

      const report = await manager.runPass();

      // Ages now: 18 s, 12 s, 6 s.
      expect(report.partitions[0]).toMatchObject({ topic: 't', policy: 'delete', segmentsDeleted: 2 });
      expect(log.deleted).toEqual([{ baseOffsets: [0, 1], reason: 'retention.ms' }]);
      expect(log.segments().map((s) => s.baseOffset)).toEqual([2, 3]);
    });

    it('deletes the oldest segments beyond retention.bytes', async () => {
      const { scheduler, manager, addLog } = setup();
      const log = addLog('t', { 'cleanup.policy': ['delete'], 'retention.ms': -1 });
      fillSegments(log, scheduler, [['a=1'], ['b=1'], ['c=1'], ['d=1']]);
      const segmentBytes = log.segments()[0].sizeBytes;
      log.config = { ...log.config, 'retention.bytes': 2 * segmentBytes };

      await manager.runPass();

      expect(log.deleted).toEqual([{ baseOffsets: [0, 1], reason: 'retention.bytes' }]);
    });

    it('deletes segments below the log start offset (DeleteRecords) whatever the policy', async () => {
      const { scheduler, manager, addLog } = setup();
      const log = addLog('t', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 1 });
      fillSegments(log, scheduler, [['a=1', 'a=2'], ['b=1'], ['c=1']]);
      log.logStart = 3; // DeleteRecords up to 3: segment [0, 2) and [2, 3) hold nothing readable

      await manager.runPass();

      expect(log.deleted).toEqual([{ baseOffsets: [0, 2], reason: 'log-start-offset' }]);
    });

    it('applies a retention.ms changed at runtime on the next pass, without restart', async () => {
      const { scheduler, manager, addLog, nextPass } = setup();
      const log = addLog('t', { 'cleanup.policy': 'delete', 'retention.ms': 7 * DAY_MS });
      fillSegments(log, scheduler, [['a=1'], ['b=1']], 60_000);
      manager.start();

      let pass = nextPass();
      scheduler.advance(1000);
      await pass;
      expect(log.deleted).toEqual([]);

      log.config = { ...log.config, 'retention.ms': 30_000 };
      pass = nextPass();
      scheduler.advance(1000);
      await pass;
      expect(log.deleted).toEqual([{ baseOffsets: [0, 1], reason: 'retention.ms' }]);
      await manager.stop();
    });
  });

  describe('scheduling', () => {
    it('runs a pass every log.retention.check.interval.ms, re-reading the interval, until stopped', async () => {
      const { scheduler, manager, setSettings, passesStarted, nextPass } = setup();
      manager.start();
      scheduler.advance(999);
      expect(passesStarted()).toBe(0);
      let pass = nextPass();
      scheduler.advance(1);
      expect(passesStarted()).toBe(1);
      await pass; // the next one is scheduled when this one ends, with the interval read then (1000 ms)
      setSettings({ retentionCheckIntervalMs: 5000 });
      pass = nextPass();
      scheduler.advance(1000);
      expect(passesStarted()).toBe(2);
      await pass; // scheduled now with the new interval
      scheduler.advance(4999);
      expect(passesStarted()).toBe(2);
      pass = nextPass();
      scheduler.advance(1);
      expect(passesStarted()).toBe(3);
      await pass;
      await manager.stop();
      scheduler.advance(60_000);
      expect(passesStarted()).toBe(3);
      expect(scheduler.pendingCount).toBe(0);
    });

    it('keeps the schedule going when a whole pass fails (the log listing throws), and logs it', async () => {
      const scheduler = new FakeScheduler();
      const logger = new CapturingStorageLogger();
      let calls = 0;
      const manager = new CleanupManager({
        scheduler,
        logs: () => {
          calls++;
          if (calls === 1) throw new Error('log dir offline');
          return [];
        },
        checkpoints: new CleanerCheckpointStore(new SimulatedDisk()),
        settings: () => ({ ...DEFAULT_CLEANER_SETTINGS, retentionCheckIntervalMs: 1000 }),
        logger,
      });
      manager.start();
      scheduler.advance(1000);
      expect(calls).toBe(1);
      await Promise.resolve(); // the failure's handler
      expect(logger.messages('error')).toEqual(['cleanup pass failed']);
      scheduler.advance(1000);
      expect(calls).toBe(2);
      await manager.stop();
    });

    it('stop() waits for the pass in progress and ends it after the current partition', async () => {
      const { scheduler, manager, addLog, passesStarted } = setup();
      const first = addLog('first', { 'cleanup.policy': 'delete', 'retention.ms': 0 });
      const second = addLog('second', { 'cleanup.policy': 'delete', 'retention.ms': 0 });
      fillSegments(first, scheduler, [['a=1']], 1);
      fillSegments(second, scheduler, [['a=1']], 1);
      const pass = manager.runPass();
      await manager.stop();
      const report = await pass;
      expect(passesStarted()).toBe(1);
      expect(report.partitions.map((p) => p.topic)).toEqual(['first']);
      expect(second.deleted).toEqual([]);
    });
  });

  describe('compaction (cleanup.policy=compact)', () => {
    it('compacts when the dirty ratio exceeds min.cleanable.dirty.ratio, writes the checkpoint, and then rests', async () => {
      const { scheduler, manager, addLog, disk } = setup();
      const log = addLog('orders', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 0.5 });
      fillSegments(log, scheduler, [['a=1', 'b=1'], ['a=2', 'c=1']]);
      log.append({ records: [rec('a', '3')] });

      const first = await manager.runPass();
      expect(first.partitions[0].compaction).toMatchObject({ supersededRemoved: 1 });
      expect(log.readFrom().map((r) => `${r.offset}:${text(r.key)}=${text(r.value)}`)).toEqual(['1:b=1', '2:a=2', '3:c=1', '4:a=3']);
      expect(readFileIfExists(disk, '/data/cleaner-offset-checkpoint')?.toString()).toBe('0\n1\norders 0 4\n');

      // Everything closed is clean now: ratio 0, nothing to do.
      const second = await manager.runPass();
      expect(second.partitions[0].compaction).toBeUndefined();

      // New dirty data, but below the ratio: still nothing.
      log.roll();
      const third = await manager.runPass();
      expect(third.partitions[0].compaction).toBeUndefined();
    });

    it('waits for min.compaction.lag.ms and compacts by max.compaction.lag.ms below the ratio', async () => {
      const { scheduler, manager, addLog } = setup();
      const log = addLog('t', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 0.99, 'min.compaction.lag.ms': 10_000 });
      fillSegments(log, scheduler, [['a=1', 'a=2']]);
      log.append({ records: [rec('z', '1', scheduler.nowMs())] });

      expect((await manager.runPass()).partitions[0].compaction).toBeUndefined(); // too new for the lag, though the ratio is 1 > 0.99

      scheduler.advance(10_001);
      expect((await manager.runPass()).partitions[0].compaction).toMatchObject({ supersededRemoved: 1 });

      // Clean again; then dirty data below the ratio is compacted once it is older than max.compaction.lag.ms.
      fillSegments(log, scheduler, [['b=1', 'b=2']]);
      log.config = { ...log.config, 'min.compaction.lag.ms': 0, 'max.compaction.lag.ms': 50_000 };
      expect(log.segments().length).toBe(3);
      expect((await manager.runPass()).partitions[0].compaction).toBeUndefined(); // ratio below 0.99, first dirty batch 10 s old
      scheduler.advance(50_001);
      expect((await manager.runPass()).partitions[0].compaction).toMatchObject({ supersededRemoved: 1 });
    });

    it('removes tombstones after delete.retention.ms, counted from the pass that first kept them', async () => {
      const { scheduler, manager, addLog } = setup();
      const log = addLog('t', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 0, 'delete.retention.ms': 5_000 });
      fillSegments(log, scheduler, [['k=v', null]]);
      log.append({ records: [rec('k', null, scheduler.nowMs())] }); // active: out of reach
      log.roll();
      log.append({ records: [rec('x', '1')] });

      await manager.runPass();
      expect(log.readFrom().map((r) => [r.offset, text(r.key), text(r.value)])).toEqual([
        [2, 'k', null],
        [3, 'x', '1'],
      ]);
      scheduler.advance(4_999);
      fillSegments(log, scheduler, [['y=1']]); // something dirty, so the pass runs
      await manager.runPass();
      expect(log.readFrom().some((r) => r.offset === 2)).toBe(true);

      scheduler.advance(1);
      fillSegments(log, scheduler, [['y=2']]);
      await manager.runPass();
      expect(log.readFrom().map((r) => r.offset)).toEqual([3, 5]);
    });

    it('skips compaction while log.cleaner.enable is false, and runs it when re-enabled', async () => {
      const { scheduler, manager, addLog, setSettings } = setup({ settings: { cleanerEnable: false } });
      const log = addLog('t', { 'cleanup.policy': 'compact,delete', 'retention.ms': -1, 'min.cleanable.dirty.ratio': 0 });
      fillSegments(log, scheduler, [['a=1', 'a=2']]);
      expect((await manager.runPass()).partitions[0].compaction).toBeUndefined();
      setSettings({ cleanerEnable: true });
      expect((await manager.runPass()).partitions[0].compaction).toMatchObject({ supersededRemoved: 1 });
    });

    it('continues from the checkpoint after a restart instead of cleaning from the start', async () => {
      const { scheduler, manager, addLog, disk, logs } = setup();
      const log = addLog('t', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 0 });
      fillSegments(log, scheduler, [['a=1', 'a=2']]);
      await manager.runPass();

      const restarted = new CleanupManager({ scheduler, logs: () => logs, checkpoints: new CleanerCheckpointStore(disk), logger: new CapturingStorageLogger() });
      const report = await restarted.runPass();
      expect(report.partitions[0].compaction).toBeUndefined();
    });
  });

  describe('failures', () => {
    it('logs a failing partition with its name and goes on with the others', async () => {
      const { scheduler, manager, addLog, logger } = setup();
      const broken = addLog('broken', { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': 0 });
      fillSegments(broken, scheduler, [['a=1', 'a=2']]);
      broken.readBatches = async function* () {
        yield* [];
        throw new Error('EIO: read');
      };
      const unknown = addLog('unknown', { 'cleanup.policy': 'no-such-policy' });
      const healthy = addLog('healthy', { 'cleanup.policy': 'delete', 'retention.ms': 0 });
      fillSegments(healthy, scheduler, [['a=1']], 1);

      const report = await manager.runPass();

      expect(report.partitions.map((p) => [p.topic, p.error === undefined])).toEqual([
        ['broken', false],
        ['unknown', false],
        ['healthy', true],
      ]);
      expect(healthy.deleted.length).toBe(1);
      const errors = logger.lines.filter((l) => l.level === 'error');
      expect(errors.map((e) => e.fields?.['topic'])).toEqual(['broken', 'unknown']);
      expect(String(errors[1].fields?.['error'])).toMatch(/unknown cleanup.policy 'no-such-policy'/);
      expect(unknown.deleted).toEqual([]);
    });

    it('refuses a plugin plan that touches the active segment, whole', async () => {
      const rogue: CleanupPolicy = {
        name: 'rogue',
        plan: (view) => ({
          actions: [
            { kind: 'delete-segments', baseOffsets: [view.segments[0].baseOffset], reason: 'custom' },
            { kind: 'delete-segments', baseOffsets: [view.segments[view.segments.length - 1].baseOffset], reason: 'custom' },
          ],
        }),
      };
      const { scheduler, manager, addLog, logger } = setup({ policyFor: (name) => (name === 'rogue' ? rogue : undefined) });
      const log = addLog('t', { 'cleanup.policy': 'rogue' });
      fillSegments(log, scheduler, [['a=1']]);
      log.append({ records: [rec('b', '1')] });

      const report = await manager.runPass();

      expect(report.partitions[0].error).toBeDefined();
      expect(log.deleted).toEqual([]);
      expect(logger.messages('error')).toHaveLength(1);
    });

    it('runs a plugin policy by name, dropRecord hook included', async () => {
      const ttl: CleanupPolicy = {
        name: 'ttl',
        plan: (view) => ({
          actions: [
            {
              kind: 'compact',
              fromOffset: view.segments[0].baseOffset,
              toOffset: view.segments[view.segments.length - 1].baseOffset,
              deleteTombstonesBeforeMs: view.nowMs,
              dropRecord: (r) => text(r.value) === 'expired',
            },
          ],
        }),
      };
      const { scheduler, manager, addLog } = setup({ policyFor: (name) => (name === 'ttl' ? ttl : undefined) });
      const log = addLog('t', { 'cleanup.policy': 'ttl' });
      fillSegments(log, scheduler, [['a=expired', 'b=fresh']]);

      await manager.runPass();

      expect(log.readFrom().map((r) => text(r.key))).toEqual(['b']);
    });
  });
});
