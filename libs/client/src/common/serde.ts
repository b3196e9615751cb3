import { TributaryError } from '@tributary/errors';
import type { RecordHeader } from './batch-codec';

/** Turns a key or value into bytes; `null` stays a null key/value (a tombstone). */
export type SerializeFn<T> = (data: T, topic: string, headers: RecordHeader[]) => Uint8Array | null;
/** Turns bytes back into a key or value. */
export type DeserializeFn<T> = (data: Uint8Array | null, topic: string, headers: readonly RecordHeader[]) => T;

export interface Serializer<T> {
  serialize: SerializeFn<T>;
}
export interface Deserializer<T> {
  deserialize: DeserializeFn<T>;
}

/** A built-in by name (`string`, `json`, `bytes`; Kafka's class names are accepted too), a function or an object. */
export type SerializerSpec<T> = BuiltInSerdeName | SerializeFn<T> | Serializer<T>;
export type DeserializerSpec<T> = BuiltInSerdeName | DeserializeFn<T> | Deserializer<T>;
export type BuiltInSerdeName = 'string' | 'json' | 'bytes';

const ALIASES: Record<string, BuiltInSerdeName> = {
  string: 'string',
  json: 'json',
  bytes: 'bytes',
  'org.apache.kafka.common.serialization.StringSerializer': 'string',
  'org.apache.kafka.common.serialization.StringDeserializer': 'string',
  'org.apache.kafka.common.serialization.ByteArraySerializer': 'bytes',
  'org.apache.kafka.common.serialization.ByteArrayDeserializer': 'bytes',
  'org.apache.kafka.common.serialization.BytesSerializer': 'bytes',
  'org.apache.kafka.common.serialization.BytesDeserializer': 'bytes',
};

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function serializationError(what: string, topic: string, cause: unknown): TributaryError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TributaryError('INVALID_RECORD', `Can't ${what} for topic ${topic}: ${reason}`, { cause, retriable: false });
}

const BUILT_IN_SERIALIZERS: Record<BuiltInSerdeName, SerializeFn<unknown>> = {
  string: (data) => {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string') throw new TypeError(`the string serializer needs a string, got ${typeof data}`);
    return encoder.encode(data);
  },
  json: (data) => (data === null || data === undefined ? null : encoder.encode(JSON.stringify(data))),
  bytes: (data) => {
    if (data === null || data === undefined) return null;
    if (!(data instanceof Uint8Array)) throw new TypeError(`the bytes serializer needs a Uint8Array or Buffer, got ${typeof data}`);
    return data;
  },
};

const BUILT_IN_DESERIALIZERS: Record<BuiltInSerdeName, DeserializeFn<unknown>> = {
  string: (data) => (data === null ? null : decoder.decode(data)),
  json: (data) => (data === null ? null : JSON.parse(decoder.decode(data))),
  bytes: (data) => data,
};

/** True for names the client resolves itself. */
export function isBuiltInSerdeName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(ALIASES, name);
}

function builtInName(spec: string, kind: string): BuiltInSerdeName {
  const name = ALIASES[spec];
  if (!name) throw new TributaryError('INVALID_CONFIG', `Unknown ${kind} '${spec}': use string, json, bytes, a function or an object`);
  return name;
}

/** Resolves a serializer spec into one function whose errors are TributaryErrors (INVALID_RECORD). */
export function resolveSerializer<T>(spec: SerializerSpec<T>, kind = 'serializer'): SerializeFn<T> {
  const fn: SerializeFn<T> =
    typeof spec === 'string'
      ? (BUILT_IN_SERIALIZERS[builtInName(spec, kind)] as SerializeFn<T>)
      : typeof spec === 'function'
        ? spec
        : (data, topic, headers) => spec.serialize(data, topic, headers);
  return (data, topic, headers) => {
    try {
      return fn(data, topic, headers);
    } catch (error) {
      throw serializationError(`serialize the ${kind === 'key.serializer' ? 'key' : 'value'}`, topic, error);
    }
  };
}

/** Resolves a deserializer spec; failures become CORRUPT_MESSAGE-free INVALID_RECORD errors naming the topic. */
export function resolveDeserializer<T>(spec: DeserializerSpec<T>, kind = 'deserializer'): DeserializeFn<T> {
  const fn: DeserializeFn<T> =
    typeof spec === 'string'
      ? (BUILT_IN_DESERIALIZERS[builtInName(spec, kind)] as DeserializeFn<T>)
      : typeof spec === 'function'
        ? spec
        : (data, topic, headers) => spec.deserialize(data, topic, headers);
  return (data, topic, headers) => {
    try {
      return fn(data, topic, headers);
    } catch (error) {
      throw serializationError(`deserialize the ${kind === 'key.deserializer' ? 'key' : 'value'}`, topic, error);
    }
  };
}

/** Checks a config value is a serde spec (a built-in name, a function or an object with the method). */
export function isSerdeSpec(method: 'serialize' | 'deserialize') {
  return (value: unknown): boolean =>
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function');
}

/** Headers as users write them: an object of name → string/bytes, or a list (repeated keys allowed). */
export type HeadersInput = Readonly<Record<string, string | Uint8Array | null>> | readonly { readonly key: string; readonly value: string | Uint8Array | null }[];

export function normalizeHeaders(headers: HeadersInput | undefined): RecordHeader[] {
  if (!headers) return [];
  const entries = Array.isArray(headers)
    ? (headers as readonly { key: string; value: string | Uint8Array | null }[]).map((h) => [h.key, h.value] as const)
    : Object.entries(headers as Record<string, string | Uint8Array | null>);
  return entries.map(([key, value]) => ({ key, value: typeof value === 'string' ? encoder.encode(value) : value }));
}
