import fc from 'fast-check';
import { crc32c, CRC32C_IS_NATIVE, crc32cJs } from './index';
import { crc32cBitwise } from './test-support/batch-builder';

describe('crc32c', () => {
  it('uses the native implementation here', () => {
    expect(CRC32C_IS_NATIVE).toBe(true);
  });

  it('matches the standard check values (RFC 3720 / iSCSI)', () => {
    const check = Buffer.from('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc32cJs(check)).toBe(0xe3069283);
    expect(crc32cBitwise(check)).toBe(0xe3069283);
    // RFC 3720 B.4: 32 bytes of zeros, of 0xff, and ascending 0..31.
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32cJs(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32cJs(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32cJs(Buffer.alloc(0))).toBe(0);
  });

  it('native and JS fallback agree on any bytes and any continuation point', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % data.length;
        const expected = crc32cBitwise(data);
        expect(crc32c(data)).toBe(expected);
        expect(crc32cJs(data)).toBe(expected);
        expect(crc32c(data.subarray(at), crc32c(data.subarray(0, at)))).toBe(expected);
        expect(crc32cJs(data.subarray(at), crc32cJs(data.subarray(0, at)))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('crc32c without the native module', () => {
  it('falls back to the JS table implementation', () => {
    jest.isolateModules(() => {
      jest.doMock('@node-rs/crc32', () => {
        throw new Error('no prebuilt binary for this platform');
      });
      const fallback = require('./crc32c') as typeof import('./crc32c');
      expect(fallback.CRC32C_IS_NATIVE).toBe(false);
      expect(fallback.crc32c).toBe(fallback.crc32cJs);
      expect(fallback.crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    });
    jest.dontMock('@node-rs/crc32');
  });
});
