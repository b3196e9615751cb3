import type { ClientTransport, ProduceRequest, ProduceResponse } from '@tributary/client';
import { encodeRecordBatch } from '@tributary/records';
import { ProduceObserver } from './produce-observer';

const TARGET = { nodeId: 1, host: '127.0.0.1', port: 1 };
const OPTIONS = { timeoutMs: 1000 };

/** A produce request with one batch of `count` records on each of `partitions`. */
const requestOf = (partitions: readonly number[], count: number): ProduceRequest => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 1000,
  topics: [
    {
      name: 't',
      partitions: partitions.map((partition) => ({
        partition,
        records: encodeRecordBatch({ records: Array.from({ length: count }, () => ({ key: null, value: Buffer.from('v'), headers: [], timestamp: 1 })) }),
      })),
    },
  ],
});

/** A transport whose produce answers every partition of a call with the next of `answers`, and counts calls. */
function fakeTransport(answers: { baseOffset: number; errorCode?: number }[]): { transport: ClientTransport; calls: () => number } {
  let calls = 0;
  const produce = async (_target: unknown, request: ProduceRequest): Promise<ProduceResponse> => {
    calls++;
    const next = answers.shift() ?? { baseOffset: 0 };
    return { topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: next.errorCode ?? 0, baseOffset: next.baseOffset, logAppendTimeMs: -1, logStartOffset: 0 })) })) };
  };
  const transport = { produce, close: () => undefined } as unknown as ClientTransport;
  return { transport, calls: () => calls };
}

describe('ProduceObserver', () => {
  it('withholds the next error-free answer until failWithheld fails it as a retriable network error', async () => {
    const observer = new ProduceObserver();
    const { transport } = fakeTransport([{ baseOffset: 0, errorCode: 45 }, { baseOffset: 10 }]);
    const wrapped = observer.wrap(transport);
    const withheld = observer.withholdNextAnswer();
    // An answer with a partition error goes through; the next clean one is kept.
    await expect(wrapped.produce(TARGET, requestOf([0], 3), OPTIONS)).resolves.toMatchObject({ topics: [{ partitions: [{ errorCode: 45 }] }] });
    const call = wrapped.produce(TARGET, requestOf([0, 1], 4), OPTIONS);
    await expect(withheld).resolves.toEqual({ batches: 2, records: 8 });
    observer.failWithheld();
    await expect(call).rejects.toMatchObject({ codeName: 'NETWORK_EXCEPTION', retriable: true });
    expect(observer).toMatchObject({ withheldBatches: 2, withheldRecords: 8 });
  });

  it('holds produce calls until release, then counts answers below the recovered end as duplicates', async () => {
    const observer = new ProduceObserver();
    const { transport, calls } = fakeTransport([{ baseOffset: 5 }, { baseOffset: 12 }]);
    const wrapped = observer.wrap(transport);
    observer.hold();
    const resend = wrapped.produce(TARGET, requestOf([0], 2), OPTIONS);
    await Promise.resolve();
    expect(calls()).toBe(0);
    observer.release([{ topic: 't', partition: 0, offset: 12 }]);
    await resend;
    await wrapped.produce(TARGET, requestOf([0], 3), OPTIONS);
    expect(calls()).toBe(2);
    // Offset 5 < 12 was already in the recovered log (a duplicate); 12 is a new append.
    expect(observer).toMatchObject({ dedupedBatches: 1, dedupedRecords: 2 });
  });

  it('counts a withheld batch that later batches followed into the log before the restart', async () => {
    const observer = new ProduceObserver();
    const { transport } = fakeTransport([{ baseOffset: 100 }, { baseOffset: 200 }]);
    const wrapped = observer.wrap(transport);
    const first = observer.withholdNextAnswer();
    const call = wrapped.produce(TARGET, requestOf([0, 1], 5), OPTIONS);
    await first;
    observer.failWithheld();
    await expect(call).rejects.toThrow();
    // Partition 0 recovered to just past the withheld batch (it was the latest), partition 1 to beyond it.
    observer.release([
      { topic: 't', partition: 0, offset: 105 },
      { topic: 't', partition: 1, offset: 150 },
    ]);
    expect(observer.withheldBehindLatest).toBe(1);
  });
});
