/** Shape checks for records that interceptors return. Return null when valid, else the problem. */

export function describeHeadersProblem(headers: unknown): string | null {
  if (!Array.isArray(headers)) return 'headers must be an array';
  for (const h of headers as unknown[]) {
    const header = h as { key?: unknown; value?: unknown } | null;
    if (typeof header !== 'object' || header === null || typeof header.key !== 'string') return 'each header needs a string key';
    if (header.value !== null && !(header.value instanceof Uint8Array)) return `header '${header.key}' value must be a Uint8Array or null`;
  }
  return null;
}

function bytesProblem(field: string, value: unknown): string | null {
  return value === null || value instanceof Uint8Array ? null : `${field} must be a Uint8Array or null`;
}

/** Problem with a ProducerRecord returned by onSend, or null. */
export function describeProducerRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'onSend must return a record object';
  const r = value as Record<string, unknown>;
  if (typeof r['topic'] !== 'string' || r['topic'].length === 0) return 'topic must be a non-empty string';
  const partition = r['partition'];
  if (partition !== undefined && partition !== null && !(Number.isInteger(partition) && (partition as number) >= 0)) {
    return 'partition must be a non-negative integer, null or undefined';
  }
  const ts = r['timestampMs'];
  if (ts !== undefined && ts !== null && !Number.isFinite(ts)) return 'timestampMs must be a number, null or undefined';
  return bytesProblem('key', r['key']) ?? bytesProblem('value', r['value']) ?? describeHeadersProblem(r['headers']);
}

/** Problem with the array onConsume returned, or null. */
export function describeConsumerRecordsProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'onConsume must return an array of records';
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return 'each consumed record must be an object';
    const r = item as Record<string, unknown>;
    if (typeof r['topic'] !== 'string' || r['topic'].length === 0) return 'topic must be a non-empty string';
    if (!Number.isInteger(r['partition']) || (r['partition'] as number) < 0) return 'partition must be a non-negative integer';
    if (!Number.isInteger(r['offset']) || (r['offset'] as number) < 0) return 'offset must be a non-negative integer';
    if (typeof r['timestampMs'] !== 'number') return 'timestampMs must be a number';
    const problem = bytesProblem('key', r['key']) ?? bytesProblem('value', r['value']) ?? describeHeadersProblem(r['headers']);
    if (problem) return problem;
  }
  return null;
}
