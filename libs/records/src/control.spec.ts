import { TributaryError } from '@tributary/errors';
import { CONTROL_RECORD_TYPES, decodeControlRecord, decodeRecordBatch, encodeControlBatch, validateRecordBatch } from './index';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TributaryError ? error.codeName : String(error);
  }
  return undefined;
}

describe('control batches', () => {
  it('encodes ABORT markers as Kafka does', () => {
    const buf = encodeControlBatch({ type: 'ABORT', producerId: 2 ** 40, producerEpoch: 32767, coordinatorEpoch: 0, timestamp: 1, baseOffset: 9 });
    const header = validateRecordBatch(buf, 0, { origin: 'coordinator' });
    expect(header).toMatchObject({ baseOffset: 9, producerId: 2 ** 40, producerEpoch: 32767, baseSequence: -1, recordCount: 1, attributes: 0x30 });
    const [record] = decodeRecordBatch(buf).records;
    expect(record.key?.toString('hex')).toBe('00000000');
    expect(record.value?.toString('hex')).toBe('000000000000');
    expect(decodeControlRecord(record)).toEqual({ type: 'ABORT', typeId: 0, version: 0, coordinatorEpoch: 0 });
  });

  it('reads other and future control types and versions', () => {
    const key = (version: number, type: number) => Buffer.from([version >> 8, version & 0xff, type >> 8, type & 0xff]);
    expect(decodeControlRecord({ key: key(0, CONTROL_RECORD_TYPES.LEADER_CHANGE), value: Buffer.alloc(8) })).toEqual({ type: 'LEADER_CHANGE', typeId: 2, version: 0 });
    expect(decodeControlRecord({ key: key(0, 99), value: null })).toEqual({ type: 'UNKNOWN', typeId: 99, version: 0 });
    // A newer marker version is read by its version-0 prefix, as Kafka does.
    const value = Buffer.from('0001000000070000', 'hex');
    expect(decodeControlRecord({ key: Buffer.concat([key(1, 1), Buffer.from([0xff])]), value })).toEqual({ type: 'COMMIT', typeId: 1, version: 1, coordinatorEpoch: 7 });
  });

  it('refuses malformed control records and marker input with INVALID_RECORD', () => {
    expect(code(() => decodeControlRecord({ key: null, value: null }))).toBe('INVALID_RECORD');
    expect(code(() => decodeControlRecord({ key: Buffer.alloc(3), value: null }))).toBe('INVALID_RECORD');
    expect(code(() => decodeControlRecord({ key: Buffer.from('00000001', 'hex'), value: Buffer.alloc(5) }))).toBe('INVALID_RECORD');
    expect(code(() => decodeControlRecord({ key: Buffer.from('00000000', 'hex'), value: null }))).toBe('INVALID_RECORD');
    const marker = { type: 'COMMIT' as const, producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 0 };
    expect(code(() => encodeControlBatch({ ...marker, producerId: -1 }))).toBe('INVALID_RECORD');
    expect(code(() => encodeControlBatch({ ...marker, coordinatorEpoch: 2 ** 31 }))).toBe('INVALID_RECORD');
    expect(code(() => encodeControlBatch({ ...marker, type: 'LEADER_CHANGE' as 'COMMIT' }))).toBe('INVALID_RECORD');
  });
});
