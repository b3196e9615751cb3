/** What the consumer prints of a record (a structural subset of the client's ConsumerRecord). */
export interface DisplayRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly { readonly key: string; readonly value: Uint8Array | null }[];
}

/** How `consume` prints records: the format and, for text, which fields. */
export interface RecordFormat {
  readonly format: 'text' | 'json';
  readonly printTimestamp: boolean;
  readonly printPartition: boolean;
  readonly printOffset: boolean;
  readonly printHeaders: boolean;
  readonly printKey: boolean;
}

/**
 * One output line for a record, without the newline.
 *
 * text (Kafka's console-consumer layout): tab-separated, in this order, each
 * only when asked for: `CreateTime:<ms>`, `Partition:<p>`, `Offset:<o>`,
 * headers as `k:v,k2:v2` (or `NO_HEADERS`), the key, then always the value;
 * bytes are printed as UTF-8 and a null key/value as `null`.
 *
 * json: one object with every field, whatever the print flags: topic,
 * partition, offset, timestamp, timestampType, key, value, headers. Bytes
 * that are valid UTF-8 are strings; other bytes are base64 with
 * `keyEncoding`/`valueEncoding`/`encoding: "base64"` beside them, so nothing
 * is lost.
 */
export function formatRecord(record: DisplayRecord, format: RecordFormat): string {
  if (format.format === 'json') return JSON.stringify(recordJson(record));
  const fields: string[] = [];
  if (format.printTimestamp) fields.push(`${record.timestampType}:${record.timestamp}`);
  if (format.printPartition) fields.push(`Partition:${record.partition}`);
  if (format.printOffset) fields.push(`Offset:${record.offset}`);
  if (format.printHeaders) {
    fields.push(record.headers.length === 0 ? 'NO_HEADERS' : record.headers.map((h) => `${h.key}:${textOf(h.value)}`).join(','));
  }
  if (format.printKey) fields.push(textOf(record.key));
  fields.push(textOf(record.value));
  return fields.join('\t');
}

function textOf(bytes: Uint8Array | null): string {
  return bytes === null ? 'null' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

interface JsonBytes {
  readonly text: string | null;
  readonly base64: boolean;
}

/** UTF-8 text when the bytes decode to exactly themselves, else base64. */
export function jsonBytes(bytes: Uint8Array | null): JsonBytes {
  if (bytes === null) return { text: null, base64: false };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  if (Buffer.byteLength(text, 'utf8') === buffer.length && !text.includes('\ufffd')) return { text, base64: false };
  return { text: buffer.toString('base64'), base64: true };
}

function recordJson(record: DisplayRecord): Record<string, unknown> {
  const key = jsonBytes(record.key);
  const value = jsonBytes(record.value);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: key.text,
    ...(key.base64 ? { keyEncoding: 'base64' } : {}),
    value: value.text,
    ...(value.base64 ? { valueEncoding: 'base64' } : {}),
    headers: record.headers.map((h) => {
      const v = jsonBytes(h.value);
      return v.base64 ? { key: h.key, value: v.text, encoding: 'base64' } : { key: h.key, value: v.text };
    }),
  };
}
