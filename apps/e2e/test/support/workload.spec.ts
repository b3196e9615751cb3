import { createPrng } from '@tributary/testing';
import { partitionForKey } from '@tributary/plugins-builtin';
import { decodeValue, encodeValue, planWorkload, valueOf } from './workload';

describe('workload', () => {
  const workload = planWorkload(createPrng(11), 2_000, 6);

  it('is the same for the same seed and different for another', () => {
    expect(planWorkload(createPrng(11), 2_000, 6)).toEqual(workload);
    expect(planWorkload(createPrng(12), 2_000, 6).keys).not.toEqual(workload.keys);
  });

  it("puts each key where Kafka's default partitioner does and numbers each partition's records from 0 in send order", () => {
    const seen = [0, 0, 0, 0, 0, 0];
    for (let id = 0; id < workload.count; id++) {
      expect(workload.partitions[id]).toBe(partitionForKey(Buffer.from(workload.keys[id]), 6));
      expect(workload.sequences[id]).toBe(seen[workload.partitions[id]]++);
    }
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(new Set(workload.keys).size).toBe(workload.count);
  });

  it('decodes every value it encodes', () => {
    for (let id = 0; id < workload.count; id++) {
      expect(decodeValue(valueOf(workload, id))).toEqual({ id, partition: workload.partitions[id], sequence: workload.sequences[id] });
    }
  });

  it('rejects null, foreign, truncated, bit-flipped and re-labelled values', () => {
    const value = encodeValue({ id: 1234, partition: 3, sequence: 77 });
    expect(decodeValue(null)).toBeUndefined();
    expect(decodeValue(Buffer.from('hello'))).toBeUndefined();
    expect(decodeValue(value.subarray(0, value.length - 1))).toBeUndefined();
    for (let i = 0; i < value.length; i++) {
      const flipped = Buffer.from(value);
      flipped[i] ^= 0x01;
      expect(decodeValue(flipped)).toBeUndefined();
    }
    const [, , , , sum, padding] = value.toString().split('|');
    expect(decodeValue(Buffer.from(`e2e1|1235|3|77|${sum}|${padding}`))).toBeUndefined();
    expect(decodeValue(Buffer.from(`${value.toString()}x`))).toBeUndefined();
  });
});
