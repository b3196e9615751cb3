import { TributaryError } from '@tributary/errors';
import { encodeRecordBatch, type Record } from './record-batch';

/** Kafka's ControlRecordType ids (the int16 `type` in a control record's key). */
export const CONTROL_RECORD_TYPES = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;

export type ControlRecordTypeName = keyof typeof CONTROL_RECORD_TYPES | 'UNKNOWN';

const NAMES_BY_ID = new Map<number, ControlRecordTypeName>(
  Object.entries(CONTROL_RECORD_TYPES).map(([name, id]) => [id, name as ControlRecordTypeName]),
);

/** Current version of the control record key and of the end-transaction-marker value. */
const CONTROL_KEY_VERSION = 0;
const END_TXN_MARKER_VERSION = 0;
/** key: version int16 + type int16. */
const CONTROL_KEY_BYTES = 4;
/** value: version int16 + coordinatorEpoch int32. */
const END_TXN_MARKER_BYTES = 6;

export interface ControlBatchInput {
  type: 'COMMIT' | 'ABORT';
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

export interface ControlRecord {
  type: ControlRecordTypeName;
  /** The raw int16 type id from the key. */
  typeId: number;
  /** The key's version. */
  version: number;
  /** For COMMIT and ABORT markers: the transaction coordinator's epoch. */
  coordinatorEpoch?: number;
}

/**
 * Encodes a transaction marker batch as Kafka's
 * MemoryRecords.withEndTransactionMarker does: control and transactional
 * attributes, no sequence, CreateTime, one record at offsetDelta 0 whose key
 * is (version 0, type) and value (version 0, coordinatorEpoch).
 */
export function encodeControlBatch(input: ControlBatchInput): Buffer {
  const typeId = CONTROL_RECORD_TYPES[input.type];
  if (typeId === undefined || (input.type !== 'COMMIT' && input.type !== 'ABORT')) {
    throw new TributaryError('INVALID_RECORD', `control batch type ${String(input.type)} is not COMMIT or ABORT`);
  }
  if (!Number.isSafeInteger(input.producerId) || input.producerId < 0) {
    throw new TributaryError('INVALID_RECORD', `a transaction marker needs a producer id, got ${input.producerId}`);
  }
  if (!Number.isInteger(input.coordinatorEpoch) || input.coordinatorEpoch < -1 || input.coordinatorEpoch > 0x7fffffff) {
    throw new TributaryError('INVALID_RECORD', `coordinatorEpoch ${input.coordinatorEpoch} is not an int32 >= -1`);
  }
  const key = Buffer.allocUnsafe(CONTROL_KEY_BYTES);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(typeId, 2);
  const value = Buffer.allocUnsafe(END_TXN_MARKER_BYTES);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(input.coordinatorEpoch, 2);
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    isTransactional: true,
    isControl: true,
    records: [{ key, value, timestamp: input.timestamp }],
  });
}

/**
 * Reads a control record's key (and, for COMMIT/ABORT, its value). As Kafka,
 * newer versions are read by their version-0 prefix; unknown types come back
 * as 'UNKNOWN' with their id. Throws INVALID_RECORD for a missing or short
 * key, or a missing or short marker value.
 */
export function decodeControlRecord(record: Pick<Record, 'key' | 'value'>): ControlRecord {
  const key = record.key;
  if (key === null) throw new TributaryError('INVALID_RECORD', 'control record has no key');
  if (key.length < CONTROL_KEY_BYTES) {
    throw new TributaryError('INVALID_RECORD', `control record key has ${key.length} bytes, needs ${CONTROL_KEY_BYTES}`);
  }
  const version = key.readInt16BE(0);
  const typeId = key.readInt16BE(2);
  const type = NAMES_BY_ID.get(typeId) ?? 'UNKNOWN';
  if (type !== 'COMMIT' && type !== 'ABORT') return { type, typeId, version };
  const value = record.value;
  if (value === null || value.length < END_TXN_MARKER_BYTES) {
    throw new TributaryError('INVALID_RECORD', `end transaction marker value has ${value?.length ?? 'no'} bytes, needs ${END_TXN_MARKER_BYTES}`);
  }
  return { type, typeId, version, coordinatorEpoch: value.readInt32BE(2) };
}
