import type { DeleteRecordsRequest, DeleteRecordsResponse } from '@tributary/proto';
import type { ReplicaManager } from '../replica/replica-manager';

/** DeleteRecords: advances each partition's log start offset (-1: to the high watermark); above the high watermark is OFFSET_OUT_OF_RANGE. */
export class DeleteRecordsHandler {
  constructor(private readonly replicaManager: ReplicaManager) {}

  handle(request: DeleteRecordsRequest): DeleteRecordsResponse {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          ...this.replicaManager.deleteRecords({ topic: t.name, partition: p.partitionIndex }, p.offset),
        })),
      })),
    };
  }
}
