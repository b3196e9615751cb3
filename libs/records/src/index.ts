export * from './batch-header';
export { crc32c, crc32cJs, CRC32C_IS_NATIVE } from './crc32c';
export {
  ByteReader,
  encodeVarint,
  encodeVarlong,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from './varint';
export { readSafeInt64Fast, writeInt64 } from './int64';
export {
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  MIN_RECORD_BYTES,
  type DecodedRecordBatch,
  type DecodeOptions,
  type Record,
  type RecordBatchInput,
  type RecordHeader,
  type RecordHeaderInput,
  type RecordInput,
} from './record-batch';
export {
  computeBatchCrc,
  iterateBatches,
  stampLogAppendTime,
  validateRecordBatch,
  type AppendOrigin,
  type BatchPosition,
  type ValidateOptions,
} from './validate';
export {
  CONTROL_RECORD_TYPES,
  decodeControlRecord,
  encodeControlBatch,
  type ControlBatchInput,
  type ControlRecord,
  type ControlRecordTypeName,
} from './control';
export { codecFor, DEFAULT_MAX_DECOMPRESSED_BYTES, registerCodec, type CompressionCodec } from './compression';
