import type { Prng } from '@tributary/util';

/** A source of fresh UUID strings (topic ids). The broker app passes `crypto.randomUUID`; tests a seeded one. */
export type UuidGenerator = () => string;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Kafka's Uuid.ZERO_UUID: "no id". */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Kafka's Uuid.METADATA_TOPIC_ID, reserved for `__cluster_metadata`. */
export const METADATA_TOPIC_ID = '00000000-0000-0000-0000-000000000001';

export const UUID_BYTES = 16;

/** True for a canonical (lower-case, hyphenated) UUID string. */
export function isCanonicalUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** True for a UUID that may name a topic: canonical, and neither ZERO_UUID nor METADATA_TOPIC_ID. */
export function isValidTopicId(value: string): boolean {
  return isCanonicalUuid(value) && value !== ZERO_UUID && value !== METADATA_TOPIC_ID;
}

/** Writes a canonical UUID string as 16 bytes at `at`. The caller checks the string first. */
export function writeUuidBytes(value: string, target: Uint8Array, at: number): void {
  const hex = value.replace(/-/g, '');
  for (let i = 0; i < UUID_BYTES; i++) target[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

/** Reads 16 bytes at `at` as a canonical UUID string. */
export function readUuidBytes(source: Uint8Array, at: number): string {
  let hex = '';
  for (let i = 0; i < UUID_BYTES; i++) hex += source[at + i].toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A deterministic random (version 4) UUID generator over a seeded PRNG, for tests and simulations. */
export function uuidGeneratorFromPrng(prng: Prng): UuidGenerator {
  return () => {
    const bytes = new Uint8Array(UUID_BYTES);
    for (let i = 0; i < UUID_BYTES; i++) bytes[i] = prng.intBetween(0, 255);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return readUuidBytes(bytes, 0);
  };
}
