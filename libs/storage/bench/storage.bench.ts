/**
 * Storage benchmarks: append throughput against raw fs.writeSync of the same
 * sizes (same run, same disk), 1,000-partition aggregate append, random reads
 * by offset, crash-recovery MB/s and clean restart with 10,000 segments.
 *   node tools/scripts/run-ts.mjs libs/storage/bench/storage.bench.ts [--smoke]
 * The last line printed is one JSON object with every figure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeRecordBatch } from '@tributary/records';
import { systemScheduler, createPrng } from '@tributary/util';
import { NodeDisk } from '../src/disk/node-disk';
import { LogManager } from '../src/log-manager';
import { formatOffsetCheckpoint } from '../src/core/checkpoint-format';
import { silentStorageLogger } from '../src/log/logger';
import type { Log } from '../src/log/log';

const SMOKE = process.argv.includes('--smoke');
const MiB = 1024 * 1024;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-storage-bench-'));
const disk = new NodeDisk();
const results: Record<string, number | string> = {};

function log(line: string): void {
  console.log(line);
}

/** A batch of `recordBytes`-byte records totalling about `batchBytes`. */
function makeBatches(batchBytes: number, recordBytes: number, distinct: number): Buffer[] {
  const prng = createPrng(42);
  return Array.from({ length: distinct }, (_, d) => {
    const count = Math.max(1, Math.floor(batchBytes / (recordBytes + 12)));
    const records = Array.from({ length: count }, (_, i) => {
      const value = Buffer.allocUnsafe(recordBytes - 8);
      for (let j = 0; j < value.length; j += 4) value.writeUInt32LE(Math.floor(prng.next() * 2 ** 32), Math.min(j, value.length - 4));
      return { key: Buffer.from(`k${d}-${i}`.padEnd(8, '.')), value, timestamp: 1_700_000_000_000 + i };
    });
    return encodeRecordBatch({ records });
  });
}

interface Timing {
  /** MB/s of the writes alone (page cache). */
  readonly writeMbPerS: number;
  /** MB per CPU-second (user + system, all threads) of the writes alone: steady under machine load. */
  readonly mbPerCpuS: number;
  /** MB/s including the final fsync (durable). */
  readonly durableMbPerS: number;
}

/** Raw appends of the same buffers the log appends, in the same order, to one file. */
function rawAppend(file: string, chunks: Buffer[], totalBytes: number): Timing {
  const fd = fs.openSync(file, 'w');
  const size = chunks[0].length;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let written = 0, i = 0; written < totalBytes; written += size, i++) fs.writeSync(fd, chunks[i % chunks.length], 0, size, written);
  const writeMs = performance.now() - start;
  const cpuUs = cpuMicros(process.cpuUsage(cpu));
  fs.fdatasyncSync(fd);
  const totalMs = performance.now() - start;
  fs.closeSync(fd);
  fs.unlinkSync(file);
  return { writeMbPerS: totalBytes / MiB / (writeMs / 1000), mbPerCpuS: totalBytes / MiB / (cpuUs / 1e6), durableMbPerS: totalBytes / MiB / (totalMs / 1000) };
}

function cpuMicros(u: NodeJS.CpuUsage): number {
  return Math.max(1, u.user + u.system);
}

async function logAppend(dir: string, batches: Buffer[], totalBytes: number, partitions = 1): Promise<Timing> {
  const mgr = await LogManager.open({ disk, logDirs: [dir], scheduler: systemScheduler, logger: silentStorageLogger, maxOpenFiles: 4096 });
  const logs: Log[] = Array.from({ length: partitions }, (_, p) => mgr.getOrCreateLog({ topic: 'bench', partition: p }));
  await mgr.flushAll();
  const size = batches[0].length;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let i = 0;
  for (let written = 0; written < totalBytes; written += size, i++) {
    logs[i % partitions].appendAsLeader(batches[i % batches.length], 0);
  }
  const writeMs = performance.now() - start;
  const cpuUs = cpuMicros(process.cpuUsage(cpu));
  if (partitions === 1) await logs[0].flush();
  const totalMs = performance.now() - start;
  await mgr.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  return { writeMbPerS: totalBytes / MiB / (writeMs / 1000), mbPerCpuS: totalBytes / MiB / (cpuUs / 1e6), durableMbPerS: totalBytes / MiB / (totalMs / 1000) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Alternates raw and log rounds (same sizes, same disk, fresh files) and returns medians. */
async function appendVsRaw(batchBytes: number, totalBytes: number, rounds: number): Promise<{ raw: Timing; log: Timing; size: number }> {
  const batches = makeBatches(batchBytes, 1024, 8);
  const size = batches[0].length;
  const raws: Timing[] = [];
  const logs: Timing[] = [];
  // Warm-up with these very buffers (first touch, JIT), not measured.
  rawAppend(path.join(root, 'raw.bin'), batches, Math.min(totalBytes, 64 * MiB));
  await logAppend(path.join(root, 'append-warmup'), batches, Math.min(totalBytes, 64 * MiB));
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first so neither always inherits the other's writeback.
    if (r % 2 === 0) raws.push(rawAppend(path.join(root, 'raw.bin'), batches, totalBytes));
    logs.push(await logAppend(path.join(root, `append-${r}`), batches, totalBytes));
    if (r % 2 === 1) raws.push(rawAppend(path.join(root, 'raw.bin'), batches, totalBytes));
  }
  const m = (ts: Timing[]): Timing => ({
    writeMbPerS: median(ts.map((t) => t.writeMbPerS)),
    mbPerCpuS: median(ts.map((t) => t.mbPerCpuS)),
    durableMbPerS: median(ts.map((t) => t.durableMbPerS)),
  });
  const result = { raw: m(raws), log: m(logs), size };
  log(
    `append ${size} B batches: durable raw ${result.raw.durableMbPerS.toFixed(0)} MB/s, log ${result.log.durableMbPerS.toFixed(0)} MB/s; ` +
      `page cache raw ${result.raw.writeMbPerS.toFixed(0)} MB/s, log ${result.log.writeMbPerS.toFixed(0)} MB/s; ` +
      `per CPU-second raw ${result.raw.mbPerCpuS.toFixed(0)} MB, log ${result.log.mbPerCpuS.toFixed(0)} MB`,
  );
  return result;
}

async function main(): Promise<void> {
  const rounds = SMOKE ? 2 : 6;
  // Warm up the JIT and the CRC path so the first measured round is not penalized.
  await logAppend(path.join(root, 'warmup'), makeBatches(16 * 1024, 1024, 8), 16 * MiB, 10);
  rawAppend(path.join(root, 'warmup.bin'), [Buffer.alloc(MiB)], 16 * MiB);
  // 1. Append vs raw, 1 MiB and 16 KiB batches of 1 KiB records: durable (writes + one fsync) and page cache only.
  for (const [name, batchBytes, total] of [
    ['1mib', MiB, SMOKE ? 32 * MiB : 512 * MiB],
    ['16kib', 16 * 1024, SMOKE ? 16 * MiB : 256 * MiB],
  ] as const) {
    const r = await appendVsRaw(batchBytes, total, rounds);
    results[`raw_write_${name}_durable_mb_per_s`] = Math.round(r.raw.durableMbPerS);
    results[`append_${name}_batches_durable_mb_per_s`] = Math.round(r.log.durableMbPerS);
    results[`append_${name}_durable_ratio`] = +(r.log.durableMbPerS / r.raw.durableMbPerS).toFixed(3);
    results[`raw_write_${name}_pagecache_mb_per_s`] = Math.round(r.raw.writeMbPerS);
    results[`append_${name}_batches_pagecache_mb_per_s`] = Math.round(r.log.writeMbPerS);
    results[`append_${name}_pagecache_ratio`] = +(r.log.writeMbPerS / r.raw.writeMbPerS).toFixed(3);
    results[`raw_write_${name}_mb_per_cpu_s`] = Math.round(r.raw.mbPerCpuS);
    results[`append_${name}_batches_mb_per_cpu_s`] = Math.round(r.log.mbPerCpuS);
    results[`append_${name}_cpu_ratio`] = +(r.log.mbPerCpuS / r.raw.mbPerCpuS).toFixed(3);
  }

  // 2. 1,000 partitions vs one, 16 KiB batches, appends only (the per-partition overhead).
  const batches16 = makeBatches(16 * 1024, 1024, 8);
  const total = SMOKE ? 16 * MiB : 256 * MiB;
  const partitions = SMOKE ? 100 : 1000;
  const ones: Timing[] = [];
  const manys: Timing[] = [];
  for (let r = 0; r < rounds; r++) {
    ones.push(await logAppend(path.join(root, `one-${r}`), batches16, total, 1));
    manys.push(await logAppend(path.join(root, `many-${r}`), batches16, total, partitions));
  }
  const one = median(ones.map((t) => t.writeMbPerS));
  const many = median(manys.map((t) => t.writeMbPerS));
  results.append_1_partition_mb_per_s = Math.round(one);
  results[`append_${partitions}_partitions_mb_per_s`] = Math.round(many);
  results.partitions_ratio = +(many / one).toFixed(3);
  results.append_1_partition_mb_per_cpu_s = Math.round(median(ones.map((t) => t.mbPerCpuS)));
  results[`append_${partitions}_partitions_mb_per_cpu_s`] = Math.round(median(manys.map((t) => t.mbPerCpuS)));
  results.partitions_cpu_ratio = +(median(manys.map((t) => t.mbPerCpuS)) / median(ones.map((t) => t.mbPerCpuS))).toFixed(3);
  log(`${partitions} partitions: ${Math.round(many)} MB/s vs 1 partition ${Math.round(one)} MB/s (per CPU-second ${results[`append_${partitions}_partitions_mb_per_cpu_s`]} vs ${results.append_1_partition_mb_per_cpu_s} MB)`);

  // 3. Random reads and crash recovery on one log.
  const dir = path.join(root, 'reads');
  const recoveryBytes = SMOKE ? 64 * MiB : 1024 * MiB;
  {
    const mgr = await LogManager.open({ disk, logDirs: [dir], scheduler: systemScheduler, logger: silentStorageLogger, defaultConfig: { segmentBytes: 128 * MiB } });
    const l = mgr.getOrCreateLog({ topic: 'reads', partition: 0 });
    for (let written = 0, i = 0; written < recoveryBytes; written += batches16[0].length, i++) l.appendAsLeader(batches16[i % batches16.length], 0);
    await l.flush();
    const prng = createPrng(7);
    const reads = SMOKE ? 2000 : 20000;
    const lat: number[] = [];
    const leo = l.logEndOffset;
    for (let i = 0; i < reads; i++) {
      const offset = Math.floor(prng.next() * leo);
      const t = performance.now();
      const r = l.read(offset, { maxBytes: 16 * 1024 });
      lat.push((performance.now() - t) * 1000);
      if (r.records.length === 0) throw new Error('empty read');
    }
    lat.sort((a, b) => a - b);
    results.random_read_16kib_p50_us = +lat[Math.floor(lat.length * 0.5)].toFixed(1);
    results.random_read_16kib_p99_us = +lat[Math.floor(lat.length * 0.99)].toFixed(1);
    log(`random reads: p50 ${results.random_read_16kib_p50_us} µs, p99 ${results.random_read_16kib_p99_us} µs`);
    // Simulate a crash: no clean shutdown marker, no checkpoints (recovery point unknown → every segment validated).
    for (const f of fs.readdirSync(dir)) if (!fs.statSync(path.join(dir, f)).isDirectory()) fs.unlinkSync(path.join(dir, f));
    const t = performance.now();
    const mgr2 = await LogManager.open({ disk, logDirs: [dir], scheduler: systemScheduler, logger: silentStorageLogger, defaultConfig: { segmentBytes: 128 * MiB } });
    const ms = performance.now() - t;
    const l2 = mgr2.getLog({ topic: 'reads', partition: 0 }) as Log;
    if (l2.logEndOffset !== leo) throw new Error(`recovery lost data: ${l2.logEndOffset} != ${leo}`);
    results.crash_recovery_mb_per_s = Math.round(l2.sizeBytes / MiB / (ms / 1000));
    log(`crash recovery: ${(l2.sizeBytes / MiB).toFixed(0)} MiB in ${ms.toFixed(0)} ms = ${results.crash_recovery_mb_per_s} MB/s (page cache warm)`);
    await mgr2.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // 4. Clean restart with 10,000 segments: 100 partitions × 100 segments.
  {
    const d = path.join(root, 'restart');
    const partitions = SMOKE ? 10 : 100;
    const perPartition = SMOKE ? 20 : 100;
    const segBytes = 64 * 1024;
    const mgr = await LogManager.open({ disk, logDirs: [d], scheduler: systemScheduler, logger: silentStorageLogger, defaultConfig: { segmentBytes: segBytes } });
    const l = mgr.getOrCreateLog({ topic: 'restart', partition: 0 });
    const per = Math.floor(segBytes / batches16[0].length);
    for (let i = 0; i < perPartition * per; i++) l.appendAsLeader(batches16[i % batches16.length], 0);
    const leo = l.logEndOffset;
    await mgr.shutdown();
    const src = path.join(d, 'restart-0');
    for (let p = 1; p < partitions; p++) fs.cpSync(src, path.join(d, `restart-${p}`), { recursive: true });
    const entries = Array.from({ length: partitions }, (_, p) => ({ topic: 'restart', partition: p, offset: leo }));
    fs.writeFileSync(path.join(d, 'recovery-point-offset-checkpoint'), formatOffsetCheckpoint(entries));
    fs.writeFileSync(path.join(d, 'log-start-offset-checkpoint'), formatOffsetCheckpoint(entries.map((e) => ({ ...e, offset: 0 }))));
    const segments = partitions * fs.readdirSync(src).filter((f) => f.endsWith('.log')).length;
    const t = performance.now();
    const mgr2 = await LogManager.open({ disk, logDirs: [d], scheduler: systemScheduler, logger: silentStorageLogger, defaultConfig: { segmentBytes: segBytes } });
    const ms = performance.now() - t;
    if (mgr2.loadSummaries[0].recoveredLogs !== 0 || (mgr2.getLog({ topic: 'restart', partition: partitions - 1 }) as Log).logEndOffset !== leo) throw new Error('clean restart did not load cleanly');
    results.clean_restart_segments = segments;
    results.clean_restart_ms = Math.round(ms);
    log(`clean restart: ${segments} segments in ${ms.toFixed(0)} ms`);
    await mgr2.shutdown();
  }
  results.smoke = SMOKE ? 'yes' : 'no';
  fs.rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  fs.rmSync(root, { recursive: true, force: true });
  console.error(error);
  process.exit(1);
});
