import { encodeRecordBatch } from '@tributary/records';
import { createPrng } from '@tributary/util';
import type { LogConfig } from '../core/log-config';

/** Small segments and frequent flushes, so kills land during rolls and fsyncs too. */
export const CRASH_TEST_CONFIG: Partial<LogConfig> = { segmentBytes: 256 * 1024, indexIntervalBytes: 1024, flushMs: 20 };

/** The batch with index `index`: 1–8 records of 0–2000 bytes, fully determined by the index. */
export function crashTestBatch(index: number): Buffer {
  const prng = createPrng(index * 2654435761);
  const count = prng.intBetween(1, 8);
  const records = Array.from({ length: count }, (_, j) => {
    const value = Buffer.allocUnsafe(prng.intBetween(0, 2000));
    const salt = prng.intBetween(0, 255);
    for (let k = 0; k < value.length; k++) value[k] = (salt + k * 31 + j * 7) & 0xff;
    return { key: Buffer.from(`${index}:${j}`), value, timestamp: 1_700_000_000_000 + index };
  });
  return encodeRecordBatch({ records });
}
