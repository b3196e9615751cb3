import type { ListOffsetsRequest, ListOffsetsResponse } from '@tributary/proto';
import type { ReplicaManager } from '../replica/replica-manager';

/** ListOffsets: earliest (-2), latest (-1, the high watermark), max timestamp (-3), or the first offset at or after a timestamp. */
export class ListOffsetsHandler {
  constructor(private readonly replicaManager: ReplicaManager) {}

  handle(request: ListOffsetsRequest): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          ...this.replicaManager.listOffset({ topic: t.name, partition: p.partitionIndex }, p.timestamp, p.currentLeaderEpoch),
        })),
      })),
    };
  }
}
