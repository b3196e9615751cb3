import { partitionForKey } from '@tributary/plugins-builtin';
import type { Prng } from '@tributary/util';

/** Every value starts with this tag, so a stray or foreign record never decodes as ours. */
const VALUE_TAG = 'e2e1';
/** Longest padding a value carries. */
const MAX_PADDING_CHARS = 48;
const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The records one scenario sends, decided up front from the seed: record `id`
 * (0-based, the send order) has key `keys[id]`, goes to partition
 * `partitions[id]` (Kafka's murmur2 of the key, as the default partitioner
 * picks it) and is the `sequences[id]`-th record sent to that partition.
 */
export interface Workload {
  readonly count: number;
  readonly partitionCount: number;
  readonly keys: readonly string[];
  readonly partitions: Uint8Array;
  readonly sequences: Uint32Array;
}

/** What a value says about its record; `decodeValue` checks the fields against the value's checksum. */
export interface RecordIdentity {
  readonly id: number;
  readonly partition: number;
  readonly sequence: number;
}

const hex32 = (prng: Prng): string => Math.floor(prng.next() * 2 ** 32).toString(16).padStart(8, '0');

/** Plans `count` records with random 64-bit hex keys drawn from `prng` over `partitionCount` partitions. */
export function planWorkload(prng: Prng, count: number, partitionCount: number): Workload {
  const keys: string[] = new Array<string>(count);
  const partitions = new Uint8Array(count);
  const sequences = new Uint32Array(count);
  const nextSequence = new Uint32Array(partitionCount);
  for (let id = 0; id < count; id++) {
    const key = `k-${hex32(prng)}${hex32(prng)}`;
    const partition = partitionForKey(Buffer.from(key, 'utf8'), partitionCount);
    keys[id] = key;
    partitions[id] = partition;
    sequences[id] = nextSequence[partition]++;
  }
  return { count, partitionCount, keys, partitions, sequences };
}

/** FNV-1a over the identity fields: a value whose fields were altered no longer matches its own checksum. */
function checksum(fields: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < fields.length; i++) hash = Math.imul(hash ^ fields.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Padding of a length and content that follow from the checksum, so values vary in size and a torn one does not decode. */
function padding(sum: number): string {
  let text = '';
  for (let i = 0; i < sum % (MAX_PADDING_CHARS + 1); i++) text += PADDING_ALPHABET[(sum >>> (i % 24)) % PADDING_ALPHABET.length];
  return text;
}

/** The value of a record: `e2e1|<id>|<partition>|<sequence>|<checksum hex>|<padding>`. */
export function encodeValue(identity: RecordIdentity): Buffer {
  const fields = `${identity.id}|${identity.partition}|${identity.sequence}`;
  const sum = checksum(fields);
  return Buffer.from(`${VALUE_TAG}|${fields}|${sum.toString(16).padStart(8, '0')}|${padding(sum)}`, 'utf8');
}

const VALUE_PATTERN = /^e2e1\|((?:0|[1-9]\d{0,9})\|(?:0|[1-9]\d{0,4})\|(?:0|[1-9]\d{0,9}))\|([0-9a-f]{8})\|([a-z0-9]*)$/;

/** Decodes a value `encodeValue` wrote, or returns undefined for anything else (garbage, torn, foreign). */
export function decodeValue(value: Uint8Array | null): RecordIdentity | undefined {
  if (value === null) return undefined;
  const match = VALUE_PATTERN.exec(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  if (!match) return undefined;
  const sum = checksum(match[1]);
  if (match[2] !== sum.toString(16).padStart(8, '0') || match[3] !== padding(sum)) return undefined;
  const [id, partition, sequence] = match[1].split('|').map(Number);
  return { id, partition, sequence };
}

/** The value record `id` of `workload` carries. */
export function valueOf(workload: Workload, id: number): Buffer {
  return encodeValue({ id, partition: workload.partitions[id], sequence: workload.sequences[id] });
}
