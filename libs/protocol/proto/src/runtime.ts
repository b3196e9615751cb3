/**
 * What the generated code needs beyond protobufjs/minimal: safe-integer
 * int64 handling (numbers, never Long objects), error types, unknown-field
 * skipping and service descriptors. Hand-written; the generated modules
 * import it.
 */
import { Reader, Writer } from 'protobufjs/minimal';

export { Reader, Writer };

/** Thrown when bytes are not a valid encoding of the expected message. */
export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
}

/** Thrown when a message cannot be encoded, e.g. an int64 field holding an unsafe integer. */
export class ProtoEncodeError extends Error {
  override readonly name = 'ProtoEncodeError';
}

/** The default of a `bytes` field. Zero-length, so sharing it is safe. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

const TWO_TO_32 = 4294967296;

/**
 * Decodes a whole buffer with a generated reader. A non-Buffer input is
 * wrapped as a Buffer view (no copy) so strings decode with Node's native
 * UTF-8 and `bytes` fields come out as views into `bytes`. Every failure
 * (truncation, bad wire types, unsafe integers) becomes a ProtoDecodeError
 * naming the message type, with the original as `cause`.
 */
export function decodeMessage<T>(bytes: Uint8Array, read: (reader: Reader, end: number) => T, typeName: string): T {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = Reader.create(buffer);
  try {
    return read(reader, reader.len);
  } catch (error) {
    throw new ProtoDecodeError(`malformed ${typeName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Fails when a nested message or packed field did not end exactly where its length said. */
export function checkEnd(reader: Reader, end: number, what: string): void {
  if (reader.pos !== end) throw new ProtoDecodeError(`malformed ${what}: length prefix and content disagree`);
}

/** Skips a field this schema does not know (proto3: unknown fields are ignored). */
export function skipField(reader: Reader, tag: number): void {
  const wireType = tag & 7;
  if (tag >>> 3 === 0 || wireType === 4 || wireType > 5) {
    throw new ProtoDecodeError(`invalid tag ${tag} (field ${tag >>> 3}, wire type ${wireType})`);
  }
  reader.skipType(wireType);
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads a length-prefixed UTF-8 string. Unlike protobufjs's Reader.string,
 * a length past the end of the input is an error, not a silently cut string.
 */
export function readString(reader: Reader, field: string): string {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw truncated(field);
  reader.pos = end;
  const { buf } = reader;
  return Buffer.isBuffer(buf) ? buf.toString('utf8', start, end) : utf8.decode(buf.subarray(start, end));
}

// The 64-bit varint last read, as two unsigned 32-bit halves (no allocation per read).
let low = 0;
let high = 0;

function readVarint64(reader: Reader, field: string): void {
  const { buf, len } = reader;
  let pos = reader.pos;
  let byte: number;
  low = 0;
  high = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw truncated(field);
    byte = buf[pos++] as number;
    low |= (byte & 0x7f) << shift;
    if (byte < 0x80) return finishVarint(reader, pos);
  }
  if (pos >= len) throw truncated(field);
  byte = buf[pos++] as number;
  low |= (byte & 0x7f) << 28;
  high = (byte & 0x7f) >>> 4;
  if (byte < 0x80) return finishVarint(reader, pos);
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= len) throw truncated(field);
    byte = buf[pos++] as number;
    high |= (byte & 0x7f) << shift;
    if (byte < 0x80) return finishVarint(reader, pos);
  }
  throw new ProtoDecodeError(`${field}: varint longer than 10 bytes`);
}

function finishVarint(reader: Reader, pos: number): void {
  reader.pos = pos;
  low >>>= 0;
  high >>>= 0;
}

function readFixed64Halves(reader: Reader, field: string): void {
  if (reader.pos + 8 > reader.len) throw truncated(field);
  low = reader.fixed32();
  high = reader.fixed32();
}

function truncated(field: string): ProtoDecodeError {
  return new ProtoDecodeError(`${field}: truncated`);
}

/** The last read halves as a signed integer; exact whenever the result is safe. */
function signedValue(field: string): number {
  return safe((high | 0) * TWO_TO_32 + low, field);
}

function unsignedValue(field: string): number {
  return safe(high * TWO_TO_32 + low, field);
}

function safe(value: number, field: string): number {
  // Exact values inside the safe range are computed exactly; anything outside
  // rounds to a magnitude of at least 2^53, which is not a safe integer.
  if (!Number.isSafeInteger(value)) throw new ProtoDecodeError(`${field}: ${describeHalves()} is not a safe integer`);
  return value;
}

function describeHalves(): string {
  return `0x${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}`;
}

export function readInt64(reader: Reader, field: string): number {
  readVarint64(reader, field);
  return signedValue(field);
}

export function readUint64(reader: Reader, field: string): number {
  readVarint64(reader, field);
  return unsignedValue(field);
}

export function readSint64(reader: Reader, field: string): number {
  readVarint64(reader, field);
  const mask = -(low & 1);
  low = (((low >>> 1) | (high << 31)) ^ mask) >>> 0;
  high = ((high >>> 1) ^ mask) >>> 0;
  return signedValue(field);
}

export function readFixed64(reader: Reader, field: string): number {
  readFixed64Halves(reader, field);
  return unsignedValue(field);
}

export function readSfixed64(reader: Reader, field: string): number {
  readFixed64Halves(reader, field);
  return signedValue(field);
}

export function checkInt32(value: number, field: string): number {
  if ((value | 0) !== value) throw new ProtoEncodeError(`${field}: ${value} is not an int32`);
  return value;
}

export function checkUint32(value: number, field: string): number {
  if (value >>> 0 !== value) throw new ProtoEncodeError(`${field}: ${value} is not a uint32`);
  return value;
}

export function checkInt64(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new ProtoEncodeError(`${field}: ${value} is not a safe integer`);
  return value;
}

export function checkUint64(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProtoEncodeError(`${field}: ${value} is not a non-negative safe integer`);
  return value;
}

/** One unary RPC: its path and the codecs of its request and response. */
export interface MethodDescriptor<Req, Res> {
  /** e.g. `'tributary.v1.Broker'` */
  readonly service: string;
  /** e.g. `'Produce'` */
  readonly name: string;
  /** The HTTP/2 path gRPC uses, e.g. `'/tributary.v1.Broker/Produce'`. */
  readonly path: string;
  readonly encodeRequest: (message: Req) => Uint8Array;
  readonly decodeRequest: (bytes: Uint8Array) => Req;
  readonly encodeResponse: (message: Res) => Uint8Array;
  readonly decodeResponse: (bytes: Uint8Array) => Res;
}

// Request and response types are invariant in a descriptor, so a map of
// arbitrary methods has to use `any` here; RequestOf/ResponseOf recover them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethodDescriptor = MethodDescriptor<any, any>;

/** A service: its full name and its methods keyed by lower-camel-case method name. */
export interface ServiceDescriptor {
  readonly fullName: string;
  readonly methods: { readonly [key: string]: AnyMethodDescriptor };
}

/** The request type of a method descriptor. */
export type RequestOf<M> = M extends { readonly decodeRequest: (bytes: Uint8Array) => infer Req } ? Req : never;
/** The response type of a method descriptor. */
export type ResponseOf<M> = M extends { readonly decodeResponse: (bytes: Uint8Array) => infer Res } ? Res : never;

/** Builds a unary method descriptor (used by the generated service constants). */
export function unaryMethod<Req, Res>(
  service: string,
  name: string,
  encodeRequest: (message: Req) => Uint8Array,
  decodeRequest: (bytes: Uint8Array) => Req,
  encodeResponse: (message: Res) => Uint8Array,
  decodeResponse: (bytes: Uint8Array) => Res,
): MethodDescriptor<Req, Res> {
  return { service, name, path: `/${service}/${name}`, encodeRequest, decodeRequest, encodeResponse, decodeResponse };
}
