import { type DisplayRecord, type RecordFormat, formatRecord, jsonBytes } from './record-format';

const record: DisplayRecord = {
  topic: 'orders',
  partition: 2,
  offset: 41,
  timestamp: 1700000000000,
  timestampType: 'CreateTime',
  key: Buffer.from('k1'),
  value: Buffer.from('hello world'),
  headers: [
    { key: 'source', value: Buffer.from('cli') },
    { key: 'flag', value: null },
  ],
};
const plain: RecordFormat = { format: 'text', printTimestamp: false, printPartition: false, printOffset: false, printHeaders: false, printKey: false };

describe('formatRecord', () => {
  it('prints only the value by default', () => {
    expect(formatRecord(record, plain)).toBe('hello world');
  });

  it('prints the asked-for fields tab-separated in Kafka console-consumer order', () => {
    const all: RecordFormat = { ...plain, printTimestamp: true, printPartition: true, printOffset: true, printHeaders: true, printKey: true };
    expect(formatRecord(record, all)).toBe('CreateTime:1700000000000\tPartition:2\tOffset:41\tsource:cli,flag:null\tk1\thello world');
    expect(formatRecord({ ...record, headers: [], key: null, value: null }, { ...plain, printHeaders: true, printKey: true })).toBe('NO_HEADERS\tnull\tnull');
  });

  it('prints every field as one JSON object, keeping binary bytes as base64', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    const line = formatRecord({ ...record, value: binary, headers: [{ key: 'h', value: binary }] }, { ...plain, format: 'json' });
    expect(JSON.parse(line)).toEqual({
      topic: 'orders',
      partition: 2,
      offset: 41,
      timestamp: 1700000000000,
      timestampType: 'CreateTime',
      key: 'k1',
      value: binary.toString('base64'),
      valueEncoding: 'base64',
      headers: [{ key: 'h', value: binary.toString('base64'), encoding: 'base64' }],
    });
    expect(line).not.toContain('\n');
  });

  it('jsonBytes keeps valid UTF-8 (including multi-byte) as text', () => {
    expect(jsonBytes(Buffer.from('żółw 🐢'))).toEqual({ text: 'żółw 🐢', base64: false });
    expect(jsonBytes(null)).toEqual({ text: null, base64: false });
    expect(jsonBytes(Buffer.from([0xc3]))).toEqual({ text: 'ww==', base64: true });
  });
});
