import type { CompactAction } from '@tributary/plugins-api';
import type { RecordInput } from '@tributary/records';
import { FakeScheduler } from '@tributary/util';
import { type CompactionRequest, Compactor } from '../compactor';
import { OffsetMap } from '../offset-map';
import { Throttler } from '../throttler';

/** A record with string key and value (null for a null key / tombstone). */
export function rec(key: string | null, value: string | null, timestamp = 0): RecordInput {
  return {
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp,
  };
}

export function text(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString();
}

/** A compact action over the whole closed log, tombstones kept for `deleteRetentionMs` after `nowMs`. */
export function compactAll(nowMs: number, deleteRetentionMs = 1000, extra: Partial<CompactAction> = {}): CompactAction {
  return {
    kind: 'compact',
    fromOffset: 0,
    toOffset: Number.MAX_SAFE_INTEGER,
    deleteTombstonesBeforeMs: nowMs - deleteRetentionMs,
    ...extra,
  };
}

/** A compactor on a FakeScheduler, unthrottled unless a rate is given. */
export function testCompactor(options: { scheduler?: FakeScheduler; mapBytes?: number; rate?: number } = {}): Compactor {
  const scheduler = options.scheduler ?? new FakeScheduler();
  return new Compactor({
    clock: scheduler,
    map: new OffsetMap(options.mapBytes ?? 1 << 20),
    throttler: new Throttler(scheduler, options.rate ?? Number.POSITIVE_INFINITY),
  });
}

/** Compacts the whole closed log at `nowMs`, continuing from `cleanedUpToOffset`. */
export function compactRequest(nowMs: number, cleanedUpToOffset = 0, action: Partial<CompactAction> = {}, segmentBytes = 1 << 30): CompactionRequest {
  return { action: compactAll(nowMs, 1000, action), cleanedUpToOffset, nowMs, segmentBytes };
}
