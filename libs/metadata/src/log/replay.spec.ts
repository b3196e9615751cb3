import { TributaryError } from '@tributary/errors';
import { AssertionError } from '@tributary/util';
import fc from 'fast-check';
import { imageToPlain } from '../image/cluster-image';
import { makeRecord } from '../records/metadata-record';
import { randomWorkload, type Workload } from '../test-support/random-workload';
import { InMemoryMetadataLog } from './metadata-log';
import { replay } from './replay';

async function logOf(workload: Workload): Promise<InMemoryMetadataLog> {
  const log = new InMemoryMetadataLog();
  for (let i = 0; i < workload.batches.length; i++) await log.append(workload.batches[i], workload.epochs[i]);
  return log;
}

describe('InMemoryMetadataLog', () => {
  it('assigns dense offsets per batch and reads them back with their epochs', async () => {
    const log = new InMemoryMetadataLog();
    const a = makeRecord('FeatureLevelRecord', { name: 'metadata.version', featureLevel: 1 });
    const b = makeRecord('FeatureLevelRecord', { name: 'other', featureLevel: 2 });
    expect(await log.append([a, b], 1)).toEqual({ baseOffset: 0, lastOffset: 1 });
    expect(await log.append([b], 3)).toEqual({ baseOffset: 2, lastOffset: 2 });
    expect(log.endOffset()).toBe(3);
    expect(await log.read(1, 10)).toEqual([
      { offset: 1, epoch: 1, record: b },
      { offset: 2, epoch: 3, record: b },
    ]);
    expect(await log.read(0, 1)).toHaveLength(1);
    expect(await log.read(3, 10)).toEqual([]);
  });

  it('refuses empty batches and epochs that go back', async () => {
    const log = new InMemoryMetadataLog();
    await expect(log.append([], 1)).rejects.toThrow(AssertionError);
    await log.append([makeRecord('FeatureLevelRecord', { name: 'x', featureLevel: 1 })], 5);
    await expect(log.append([makeRecord('FeatureLevelRecord', { name: 'x', featureLevel: 2 })], 4)).rejects.toThrow(AssertionError);
  });
});

describe('replay', () => {
  it('rebuilds exactly the image that was built while committing, whatever the read batch size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(1, 7, 4096), async (seed, batchRecords) => {
        const workload = randomWorkload(seed, 80);
        const log = await logOf(workload);
        const replayed = await replay(log, undefined, batchRecords);
        expect(imageToPlain(replayed)).toEqual(imageToPlain(workload.image));
        expect(replayed.metadataOffset).toBe(log.endOffset() - 1);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same seed gives the same records, and replaying them twice the same image', async () => {
    const first = randomWorkload(424242, 150);
    const second = randomWorkload(424242, 150);
    expect(second.batches).toEqual(first.batches);
    const log = await logOf(first);
    expect(imageToPlain(await replay(log))).toEqual(imageToPlain(await replay(log)));
  });

  it('continues from an image part way through the log', async () => {
    const workload = randomWorkload(77, 100);
    const log = await logOf(workload);
    const middle = workload.images[Math.floor(workload.images.length / 2)];
    expect(imageToPlain(await replay(log, middle))).toEqual(imageToPlain(workload.image));
  });

  it('stops with CORRUPT_MESSAGE on a corrupted record instead of building a wrong image', async () => {
    const log = await logOf(randomWorkload(5, 20));
    const value = log.rawValueAt(0) as Buffer;
    value[value.length - 1] = 0x42; // a tagged-field count of 66, over the bound
    await expect(replay(log)).rejects.toThrow(TributaryError);
    await expect(replay(log)).rejects.toMatchObject({ codeName: 'CORRUPT_MESSAGE' });
  });
});
