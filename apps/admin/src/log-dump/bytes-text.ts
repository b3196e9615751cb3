/** Bytes shown as text when they are printable UTF-8, else as hex. */
export interface EncodedBytes {
  readonly encoding: 'utf8' | 'hex';
  readonly text: string;
}

// Control characters other than tab would garble a terminal line; such bytes print as hex.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f\ufffd]/;

/**
 * Encodes bytes for display: UTF-8 when they decode without replacement
 * characters or control characters (so the text is exactly the bytes), else
 * lowercase hex. `null` stays null.
 */
export function encodeBytes(bytes: Uint8Array | null): EncodedBytes | null {
  if (bytes === null) return null;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  if (!UNPRINTABLE.test(text) && Buffer.byteLength(text, 'utf8') === buffer.length) return { encoding: 'utf8', text };
  return { encoding: 'hex', text: buffer.toString('hex') };
}

/** One-token display form: the text, `0x`-prefixed hex, or `null`. */
export function bytesForText(encoded: EncodedBytes | null): string {
  if (encoded === null) return 'null';
  return encoded.encoding === 'utf8' ? encoded.text : `0x${encoded.text}`;
}
