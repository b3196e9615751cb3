import { TributaryError } from '@tributary/errors';
import {
  applyBatch,
  diffImages,
  type ClusterImage,
  type ControllerResult,
  EMPTY_CLUSTER_IMAGE,
  type MetadataDelta,
  type MetadataLog,
  replay,
} from '@tributary/metadata';

/** The epoch the single-node controller stamps on its metadata batches (Raft will bring real epochs). */
export const LOCAL_METADATA_EPOCH = 0;
/** Admin operations waiting for the controller; more are refused with THROTTLING_QUOTA_EXCEEDED. */
export const MAX_PENDING_CONTROLLER_OPERATIONS = 1024;

/** Told about every committed metadata change, in log order, before the operation's caller gets its result. */
export type MetadataListener = (delta: MetadataDelta) => void | Promise<void>;

/**
 * The single-node controller: runs admin operations one at a time against
 * the current {@link ClusterImage} — compute records with the metadata lib's
 * pure controller functions, append them durably to the {@link MetadataLog},
 * apply them, publish the {@link MetadataDelta} to the listeners — and only
 * then answers. A Raft-backed controller replaces the log underneath; the
 * broker keeps reacting to deltas the same way.
 */
export class LocalController {
  private current: ClusterImage = EMPTY_CLUSTER_IMAGE;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly listeners: MetadataListener[] = [];

  constructor(
    private readonly log: MetadataLog,
    readonly epoch: number = LOCAL_METADATA_EPOCH,
  ) {}

  /** The latest committed image. */
  get image(): ClusterImage {
    return this.current;
  }

  /** The committed image's log end (the offset the next record gets). */
  get endOffset(): number {
    return this.log.endOffset();
  }

  addListener(listener: MetadataListener): void {
    this.listeners.push(listener);
  }

  /**
   * Rebuilds the image by replaying the whole log, then publishes one delta
   * from the empty image so listeners create what the log describes.
   */
  async load(): Promise<ClusterImage> {
    const image = await replay(this.log);
    await this.publish(diffImages(EMPTY_CLUSTER_IMAGE, image));
    return image;
  }

  /**
   * Runs `operation` on the latest image once every earlier operation has
   * committed; appends its records (durably), applies and publishes them, and
   * returns its results. Nothing is written when it returns no records.
   */
  run<R>(operation: (image: ClusterImage, writeOffset: number) => ControllerResult<R>): Promise<R> {
    if (this.pending >= MAX_PENDING_CONTROLLER_OPERATIONS) {
      return Promise.reject(new TributaryError('THROTTLING_QUOTA_EXCEEDED', `${this.pending} admin operations are already waiting for the controller`));
    }
    this.pending++;
    const result = this.tail.then(() => this.execute(operation));
    this.tail = result.catch(() => undefined).finally(() => this.pending--);
    return result;
  }

  private async execute<R>(operation: (image: ClusterImage, writeOffset: number) => ControllerResult<R>): Promise<R> {
    const { records, results } = operation(this.current, this.log.endOffset());
    if (records.length === 0) return results;
    const { baseOffset } = await this.log.append(records, this.epoch);
    const delta = applyBatch(
      this.current,
      records.map((record, i) => ({ offset: baseOffset + i, epoch: this.epoch, record })),
    );
    await this.publish(delta);
    return results;
  }

  private async publish(delta: MetadataDelta): Promise<void> {
    this.current = delta.after;
    for (const listener of this.listeners) await listener(delta);
  }
}
