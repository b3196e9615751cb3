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
  MIN_RECORD_BYTES,
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
export { codecFor, DEFAULT_MAX_DECOMPRESSED_BYTES, type CompressionCodec } from './compression';
export { XERIAL_MAGIC } from './codecs/snappy';
export { lz4FrameBound } from './codecs/lz4';
export { zstdDeclaredSize } from './codecs/zstd';
export { xxhash32 } from './codecs/xxhash32';
