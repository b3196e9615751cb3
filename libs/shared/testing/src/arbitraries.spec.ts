import fc from 'fast-check';
import {
  MAX_TEST_TIMESTAMP_MS,
  MAX_TOPIC_NAME_LENGTH,
  compressionTypeArb,
  invalidTopicNameArb,
  isValidTopicName,
  recordsArb,
  timestampMsArb,
  topicNameArb,
  topicPartitionArb,
} from './arbitraries';
import { seededProperty } from './seed';

describe('topic name arbitraries', () => {
  it('generate valid Kafka topic names, internal ones only when asked', () => {
    seededProperty(fc.property(topicNameArb(), (name) => isValidTopicName(name) && !name.startsWith('__')));
    seededProperty(fc.property(topicNameArb({ maxLength: MAX_TOPIC_NAME_LENGTH, internal: true }), isValidTopicName));
  });

  it('reach the length limit', () => {
    const lengths = fc.sample(topicNameArb({ maxLength: MAX_TOPIC_NAME_LENGTH }), { numRuns: 500, seed: 1 }).map((n) => n.length);
    expect(Math.max(...lengths)).toBeGreaterThan(200);
  });

  it('generate invalid names that the rule rejects', () => {
    seededProperty(fc.property(invalidTopicNameArb(), (name) => !isValidTopicName(name)));
    expect(['a', 'A-b.c_9', 'x'.repeat(249)].every(isValidTopicName)).toBe(true);
    expect(['', '.', '..', 'a b', 'a/b', 'x'.repeat(250)].some(isValidTopicName)).toBe(false);
  });

  it('generate topic partitions', () => {
    seededProperty(fc.property(topicPartitionArb({ maxPartition: 3 }), (tp) => isValidTopicName(tp.topic) && tp.partition >= 0 && tp.partition <= 3));
  });
});

describe('record arbitraries', () => {
  it('generate plain records with byte or null keys and values, headers and timestamps', () => {
    seededProperty(
      fc.property(recordsArb({ maxLength: 5, maxTimestampMs: 10_000 }), (records) => {
        expect(records.length).toBeGreaterThanOrEqual(1);
        for (const r of records) {
          expect(r.key === null || r.key instanceof Uint8Array).toBe(true);
          expect(r.value === null || r.value instanceof Uint8Array).toBe(true);
          expect(r.timestampMs >= 0 && r.timestampMs <= 10_000).toBe(true);
          for (const h of r.headers) expect(typeof h.key === 'string' && (h.value === null || h.value instanceof Uint8Array)).toBe(true);
        }
      }),
    );
  });

  it('generate nulls and non-nulls, unless told not to', () => {
    const sample = fc.sample(recordsArb({ minLength: 50, maxLength: 50, key: { nullable: false } }), { numRuns: 1, seed: 3 })[0];
    expect(sample.some((r) => r.value === null)).toBe(true);
    expect(sample.some((r) => r.value !== null)).toBe(true);
    expect(sample.every((r) => r.key !== null)).toBe(true);
  });

  it('generate timestamps up to 2100 by default and codes for every codec', () => {
    seededProperty(fc.property(timestampMsArb(), (t) => Number.isSafeInteger(t) && t >= 0 && t <= MAX_TEST_TIMESTAMP_MS));
    expect(new Set(fc.sample(compressionTypeArb(), { numRuns: 200, seed: 2 }))).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
