import { ConfigResourceType } from '@tributary/proto';

const EMPTY_ID = new Uint8Array(0);

/** A canonical UUID string as the 16 bytes the native API carries; empty for null. */
export function topicIdBytes(topicId: string | null | undefined): Uint8Array {
  if (!topicId) return EMPTY_ID;
  return Buffer.from(topicId.replace(/-/g, ''), 'hex');
}

/** Bytes of a proto `bytes` field as a Buffer view (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The metadata lib's resource type for a wire one; undefined for types the broker does not serve. */
export function resourceTypeName(type: ConfigResourceType): 'TOPIC' | 'BROKER' | undefined {
  if (type === ConfigResourceType.TOPIC) return 'TOPIC';
  if (type === ConfigResourceType.BROKER) return 'BROKER';
  return undefined;
}

/** Groups items by a key, keeping first-seen order of keys and items. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
