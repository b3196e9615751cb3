/** grpc-js wants Buffers; wrap a Uint8Array as a Buffer view without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * What a deserializer returns instead of throwing: grpc-js would turn a throw
 * into a bare INTERNAL status, while a malformed request is the client's
 * fault (INVALID_REQUEST) and deserves the decoder's message.
 */
export class DecodeFailure {
  constructor(readonly message: string) {}
}

/** A deserializer for grpc-js that never throws. */
export function safeDecoder<T>(decode: (bytes: Uint8Array) => T): (bytes: Buffer) => T | DecodeFailure {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch (error) {
      return new DecodeFailure(error instanceof Error ? error.message : String(error));
    }
  };
}

export const identity = (bytes: Buffer): Buffer => bytes;
