import * as path from 'node:path';
import type { Disk } from '../disk/disk';
import { SNAPSHOT_SUFFIX, offsetFileName, parseSegmentFileName } from '../core/segment-files';
import { readFileIfExists, unlinkIfExists, writeFileAtomic, writeFileAtomicSync } from './atomic-file';

/**
 * Producer-state snapshots of one partition: opaque payloads (the broker
 * defines their content) stored as `<offset 20 digits>.snapshot`, written
 * atomically. The log keeps them consistent with its offsets: truncation
 * deletes snapshots past the new end, log-start advances delete those before
 * the new start, a full truncation deletes all.
 */
export class ProducerSnapshots {
  private offsets: number[];

  constructor(
    private readonly disk: Disk,
    private readonly dir: string,
    offsets: readonly number[],
  ) {
    this.offsets = [...offsets].sort((a, b) => a - b);
  }

  /** Snapshot offsets, ascending. */
  list(): readonly number[] {
    return this.offsets;
  }

  /** The newest snapshot at or below `maxOffset` (default: any). */
  latest(maxOffset = Number.MAX_SAFE_INTEGER): { offset: number; payload: Buffer } | undefined {
    for (let i = this.offsets.length - 1; i >= 0; i--) {
      if (this.offsets[i] > maxOffset) continue;
      const payload = this.read(this.offsets[i]);
      if (payload) return { offset: this.offsets[i], payload };
    }
    return undefined;
  }

  read(offset: number): Buffer | undefined {
    if (!this.offsets.includes(offset)) return undefined;
    return readFileIfExists(this.disk, this.file(offset));
  }

  /** Writes (or replaces) the snapshot at `offset`: temp file, fsync, rename, dir fsync. */
  async write(offset: number, payload: Uint8Array): Promise<void> {
    await writeFileAtomic(this.disk, this.file(offset), payload);
    this.remember(offset);
  }

  writeSync(offset: number, payload: Uint8Array): void {
    writeFileAtomicSync(this.disk, this.file(offset), payload);
    this.remember(offset);
  }

  delete(offset: number): boolean {
    const had = this.offsets.includes(offset);
    this.offsets = this.offsets.filter((o) => o !== offset);
    return unlinkIfExists(this.disk, this.file(offset)) || had;
  }

  /** Deletes snapshots with offsets > `offset`; returns how many. */
  deleteAbove(offset: number): number {
    return this.deleteWhere((o) => o > offset);
  }

  /** Deletes snapshots with offsets < `offset`; returns how many. */
  deleteBelow(offset: number): number {
    return this.deleteWhere((o) => o < offset);
  }

  deleteAll(): number {
    return this.deleteWhere(() => true);
  }

  /** Offsets found among directory entry names. */
  static offsetsIn(names: readonly string[]): number[] {
    const out: number[] = [];
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed && parsed.kind === 'snapshot' && parsed.state === 'live') out.push(parsed.baseOffset);
    }
    return out;
  }

  private deleteWhere(pred: (offset: number) => boolean): number {
    const doomed = this.offsets.filter(pred);
    for (const o of doomed) unlinkIfExists(this.disk, this.file(o));
    this.offsets = this.offsets.filter((o) => !pred(o));
    return doomed.length;
  }

  private remember(offset: number): void {
    if (!this.offsets.includes(offset)) {
      this.offsets.push(offset);
      this.offsets.sort((a, b) => a - b);
    }
  }

  private file(offset: number): string {
    return path.join(this.dir, offsetFileName(offset) + SNAPSHOT_SUFFIX);
  }
}
