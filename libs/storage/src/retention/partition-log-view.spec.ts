import type { SegmentView } from '@tributary/plugins-api';
import { computeCleanState } from './partition-log-view';

function seg(baseOffset: number, nextOffset: number, sizeBytes: number, isActive = false): SegmentView {
  return { baseOffset, nextOffset, sizeBytes, largestTimestampMs: -1, lastModifiedMs: 0, isActive };
}

const segments = [seg(0, 10, 100), seg(10, 20, 300), seg(20, 30, 600), seg(30, 35, 999, true)];

describe('computeCleanState', () => {
  it('never cleaned: everything closed is dirty, from the log start', () => {
    const state = computeCleanState(segments, 0, undefined);
    expect(state).toEqual({ cleanedUpToOffset: 0, dirtyRatio: 1, firstDirtySegment: segments[0] });
  });

  it('splits clean and dirty bytes at the checkpoint; the active segment does not count', () => {
    const state = computeCleanState(segments, 0, 20);
    expect(state.cleanedUpToOffset).toBe(20);
    expect(state.dirtyRatio).toBeCloseTo(600 / 1000);
    expect(state.firstDirtySegment).toBe(segments[2]);
  });

  it('counts a segment straddling the checkpoint as clean (the map filled up mid-segment), but it is the first dirty one', () => {
    const state = computeCleanState(segments, 0, 15);
    expect(state.dirtyRatio).toBeCloseTo(600 / 1000);
    expect(state.firstDirtySegment).toBe(segments[1]);
  });

  it('is all clean up to the active segment', () => {
    expect(computeCleanState(segments, 0, 30)).toEqual({ cleanedUpToOffset: 30, dirtyRatio: 0, firstDirtySegment: undefined });
  });

  it('resets a checkpoint below the log start or past the log end to the log start', () => {
    expect(computeCleanState(segments, 10, 5).cleanedUpToOffset).toBe(10);
    expect(computeCleanState(segments, 10, 36).cleanedUpToOffset).toBe(10);
    expect(computeCleanState(segments, 10, 35).cleanedUpToOffset).toBe(35);
  });

  it('has ratio 0 with no closed segment', () => {
    expect(computeCleanState([seg(0, 3, 50, true)], 0, undefined)).toEqual({ cleanedUpToOffset: 0, dirtyRatio: 0, firstDirtySegment: undefined });
  });
});
