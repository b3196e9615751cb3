import { applyRecords } from '../image/apply';
import { type ClusterImage, EMPTY_CLUSTER_IMAGE } from '../image/cluster-image';
import type { MetadataLog } from './metadata-log';

/** Records read and applied per step of a replay: bounds memory, and each step copies the image's maps once. */
export const REPLAY_BATCH_RECORDS = 4096;

/**
 * Rebuilds the image by applying the log from `from.metadataOffset + 1` to its
 * end (the whole log from the empty image by default). Deterministic: the
 * same records always give the same image.
 */
export async function replay(log: MetadataLog, from: ClusterImage = EMPTY_CLUSTER_IMAGE, batchRecords = REPLAY_BATCH_RECORDS): Promise<ClusterImage> {
  let image = from;
  for (;;) {
    const entries = await log.read(image.metadataOffset + 1, batchRecords);
    if (entries.length === 0) return image;
    image = applyRecords(image, entries);
  }
}
