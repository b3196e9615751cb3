import { ErrorCode } from '@tributary/errors';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '@tributary/proto';
import { getTracer, withSpan } from '@tributary/telemetry';
import type { AutoTopicCreator } from '../metadata/auto-topic-creator';
import type { LocalController } from '../metadata/local-controller';
import type { RequiredAcks } from '../replica/partition';
import type { PartitionProduceResult, ReplicaManager } from '../replica/replica-manager';
import type { RequestBytesLimiter } from '../runtime/request-bytes-limiter';
import { asBuffer } from './wire';

/** Looked up per span: the global tracer provider may be replaced after this module loads (an SDK starting, tests). */
const tracer = () => getTracer('@tributary/broker');

function isRequiredAcks(acks: number): acks is RequiredAcks {
  return acks === -1 || acks === 0 || acks === 1;
}

/**
 * Produce: appends each partition's batches as leader, as opaque bytes (the
 * log validates header and CRC and assigns offsets in place; nothing is
 * re-encoded). acks 0/1/-1 (single node: -1 is 1 with an ISR of one, checked
 * against min.insync.replicas); anything else is INVALID_REQUIRED_ACKS for
 * every partition. Unknown topics are auto-created when allowed. The request's
 * bytes count against queued.max.request.bytes while it is processed.
 */
export class ProduceHandler {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly controller: LocalController,
    private readonly autoCreator: AutoTopicCreator,
    private readonly limiter: RequestBytesLimiter,
  ) {}

  async handle(request: ProduceRequest): Promise<ProduceResponse> {
    let bytes = 0;
    for (const t of request.topicData) for (const p of t.partitionData) bytes += p.records.byteLength;
    const release = await this.limiter.acquire(bytes);
    try {
      return await withSpan(tracer(), 'produce', { 'tributary.produce.acks': request.acks, 'messaging.batch.body.size': bytes }, () => this.produce(request));
    } finally {
      release();
    }
  }

  private async produce(request: ProduceRequest): Promise<ProduceResponse> {
    const refuse = (code: number, message: string): ProduceResponse => ({
      throttleTimeMs: 0,
      responses: request.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => failed(p.index, code, message, -1)) })),
    });
    if (!isRequiredAcks(request.acks)) return refuse(ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${request.acks}`);
    if (request.transactionalId !== '') return refuse(ErrorCode.INVALID_REQUEST, 'transactional producers are not supported by this broker yet');
    const missing = request.topicData.map((t) => t.name).filter((name) => !this.controller.image.topicsByName.has(name));
    if (missing.length > 0) await this.autoCreator.create(missing);
    const entries = request.topicData.flatMap((t) => t.partitionData.map((p) => ({ topicPartition: { topic: t.name, partition: p.index }, records: asBuffer(p.records) })));
    const results = this.replicaManager.appendRecords(entries, request.acks);
    let i = 0;
    return {
      throttleTimeMs: 0,
      responses: request.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => toResponse(p.index, results[i++])) })),
    };
  }
}

function failed(index: number, errorCode: number, errorMessage: string, logStartOffset: number): ProducePartitionResponse {
  return { index, errorCode, errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset, recordErrors: [] };
}

function toResponse(index: number, r: PartitionProduceResult): ProducePartitionResponse {
  if (!('baseOffset' in r)) {
    return { ...failed(index, r.errorCode, r.errorMessage, r.logStartOffset), recordErrors: r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })) };
  }
  return { index, errorCode: 0, errorMessage: '', baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTimeMs, logStartOffset: r.logStartOffset, recordErrors: [] };
}
