import { NUM_BATCHES_TO_RETAIN, ProducerStateTable, lastSequenceOf } from './producer-state';

const batchAt = (baseSequence: number, count: number, firstOffset: number, ts = 1000) => ({
  baseSequence,
  lastSequence: lastSequenceOf(baseSequence, count),
  firstOffset,
  lastOffset: firstOffset + count - 1,
  maxTimestampMs: ts,
});

describe('ProducerStateTable', () => {
  it('starts an unknown producer only at sequence 0: a later batch that overtook the first is OUT_OF_ORDER', () => {
    const table = new ProducerStateTable();
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 42, recordCount: 3 })).toMatchObject({ kind: 'reject', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 0, recordCount: 42 })).toEqual({ kind: 'append' });
    table.update(7, 0, batchAt(0, 42, 0));
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 42, recordCount: 3 })).toEqual({ kind: 'append' });
  });

  it('accepts in-order batches and rejects gaps with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const table = new ProducerStateTable();
    table.update(7, 0, batchAt(0, 5, 100));
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 5, recordCount: 2 }).kind).toBe('append');
    const gap = table.check({ producerId: 7, producerEpoch: 0, baseSequence: 7, recordCount: 1 });
    expect(gap).toMatchObject({ kind: 'reject', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('returns the original offsets for a retried batch still in the cache', () => {
    const table = new ProducerStateTable();
    for (let i = 0; i < NUM_BATCHES_TO_RETAIN; i++) table.update(7, 0, batchAt(i * 2, 2, 100 + i * 2));
    const dup = table.check({ producerId: 7, producerEpoch: 0, baseSequence: 0, recordCount: 2 });
    expect(dup).toEqual({ kind: 'duplicate', batch: batchAt(0, 2, 100) });
    table.update(7, 0, batchAt(10, 2, 110));
    // The oldest batch fell out of the cache: a retry of it is now out of order.
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 0, recordCount: 2 }).kind).toBe('reject');
    expect(table.entry(7)?.batches).toHaveLength(NUM_BATCHES_TO_RETAIN);
  });

  it('fences older epochs and requires sequence 0 for a new epoch', () => {
    const table = new ProducerStateTable();
    table.update(7, 3, batchAt(0, 1, 0));
    expect(table.check({ producerId: 7, producerEpoch: 2, baseSequence: 1, recordCount: 1 })).toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
    expect(table.check({ producerId: 7, producerEpoch: 4, baseSequence: 5, recordCount: 1 })).toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(table.check({ producerId: 7, producerEpoch: 4, baseSequence: 0, recordCount: 1 }).kind).toBe('append');
    table.update(7, 4, batchAt(0, 1, 1));
    expect(table.entry(7)).toMatchObject({ producerEpoch: 4, batches: [batchAt(0, 1, 1)] });
  });

  it('wraps sequences at Int32 max', () => {
    const table = new ProducerStateTable();
    expect(lastSequenceOf(0x7ffffffe, 3)).toBe(0);
    table.update(7, 0, batchAt(0x7ffffffe, 3, 0));
    expect(table.check({ producerId: 7, producerEpoch: 0, baseSequence: 1, recordCount: 1 }).kind).toBe('append');
  });

  it('expires idle producers and forgets batches above a truncation point', () => {
    const table = new ProducerStateTable();
    table.update(1, 0, batchAt(0, 1, 0, 1000));
    table.update(2, 0, batchAt(0, 1, 1, 5000));
    table.update(2, 0, batchAt(1, 1, 2, 6000));
    expect(table.removeExpired(7000, 3000)).toBe(1);
    expect(table.entry(1)).toBeUndefined();
    table.truncateTo(2);
    expect(table.entry(2)?.batches).toEqual([batchAt(0, 1, 1, 5000)]);
    table.truncateTo(0);
    expect(table.size).toBe(0);
  });
});
