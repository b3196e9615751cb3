import { createPrng } from '@tributary/testing';
import { type LoggedRecord, type PartitionLog, MAX_LISTED_VIOLATIONS, newAcknowledgements, verifyLog } from './verify-log';
import { planWorkload, valueOf } from './workload';

// The checker is what makes the end-to-end test able to fail: each case breaks one guarantee by hand.
const workload = planWorkload(createPrng(7), 60, 3);

/** The perfect outcome: every record written once in send order and acknowledged where it landed. */
function perfectRun(): { acks: ReturnType<typeof newAcknowledgements>; logs: LoggedRecord[][] } {
  const acks = newAcknowledgements(workload.count);
  const logs: LoggedRecord[][] = [[], [], []];
  for (let id = 0; id < workload.count; id++) {
    const partition = workload.partitions[id];
    const offset = logs[partition].length;
    logs[partition].push({ offset, key: workload.keys[id], value: valueOf(workload, id) });
    acks.partition[id] = partition;
    acks.offset[id] = offset;
  }
  return { acks, logs };
}

const asLogs = (logs: LoggedRecord[][]): PartitionLog[] => logs.map((records, partition) => ({ partition, endOffset: records.length, records }));
const busiest = (logs: LoggedRecord[][]): number => logs.reduce((best, records, p) => (records.length > logs[best].length ? p : best), 0);
const idAt = (record: LoggedRecord): number => Number(Buffer.from(record.value ?? []).toString().split('|')[1]);

describe('verifyLog', () => {
  it('accepts a perfect run and counts it', () => {
    const { acks, logs } = perfectRun();
    expect(verifyLog(workload, acks, asLogs(logs))).toEqual({ violations: [], recordsInLog: 60, acknowledged: 60, unacknowledgedInLog: 0 });
  });

  it('accepts unacknowledged records that were written once, and ones that were never written', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const written = idAt(logs[p][1]);
    acks.offset[written] = -1;
    const lost = idAt(logs[p].at(-1) as LoggedRecord);
    acks.offset[lost] = -1;
    logs[p].pop();
    expect(verifyLog(workload, acks, asLogs(logs))).toMatchObject({ violations: [], acknowledged: 58, unacknowledgedInLog: 1 });
  });

  it('reports a lost acknowledged record', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const lost = idAt(logs[p].at(-1) as LoggedRecord);
    logs[p].pop();
    expect(verifyLog(workload, acks, asLogs(logs)).violations).toEqual([`record ${lost} acknowledged at partition ${p} offset ${logs[p].length} is missing`]);
  });

  it('reports a duplicate, acknowledged or not, and the order break it makes', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const first = idAt(logs[p][0]);
    acks.offset[first] = -1;
    logs[p].push({ ...logs[p][0], offset: logs[p].length });
    expect(verifyLog(workload, acks, asLogs(logs)).violations).toEqual([`partition ${p} offset ${logs[p].length - 1}: record ${first} is a duplicate of partition ${p} offset 0`]);
  });

  it('reports records out of send order', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const [a, b] = [logs[p][2], logs[p][3]];
    logs[p][2] = { ...b, offset: 2 };
    logs[p][3] = { ...a, offset: 3 };
    acks.offset[idAt(a)] = 3;
    acks.offset[idAt(b)] = 2;
    expect(verifyLog(workload, acks, asLogs(logs)).violations).toEqual([expect.stringMatching(new RegExp(`^partition ${p} offset 3: record ${idAt(a)} has sequence 2 after 3`))]);
  });

  it('reports an acknowledgement whose offset does not hold the record', () => {
    const { acks, logs } = perfectRun();
    const id = idAt(logs[0][0]);
    acks.offset[id] = 5;
    expect(verifyLog(workload, acks, asLogs(logs)).violations).toEqual([`record ${id} acknowledged at partition 0 offset 5 is at partition 0 offset 0`]);
  });

  it('reports offset gaps and a high watermark past the records', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const skipped = logs[p].slice(0, 2).concat(logs[p].slice(2).map((r) => ({ ...r, offset: r.offset + 1 })));
    const logsWithGap = asLogs(logs).map((log) => (log.partition === p ? { ...log, records: skipped, endOffset: skipped.length + 2 } : log));
    for (const r of skipped.slice(2)) acks.offset[idAt(r)] = r.offset;
    expect(verifyLog(workload, acks, logsWithGap).violations).toEqual([
      `partition ${p} offset 3: expected offset 2 (offsets must be dense)`,
      `partition ${p}: records end at offset ${skipped.length + 1}, the high watermark is ${skipped.length + 2}`,
    ]);
  });

  it('reports garbage, a null value, a foreign id and a record in the wrong partition or with the wrong key', () => {
    const { acks, logs } = perfectRun();
    const p = busiest(logs);
    const other = (p + 1) % 3;
    const originals = logs[p].slice(0, 5);
    logs[p][0] = { ...originals[0], value: Buffer.from('not ours') };
    logs[p][1] = { ...originals[1], value: null };
    logs[p][2] = { ...originals[2], value: Buffer.from(String(originals[2].value).replace(/\|[a-z0-9]*$/, '|zzz')) };
    logs[p][3] = { ...originals[3], key: 'k-someone-else' };
    logs[p][4] = { ...logs[other][0], offset: 4 };
    const violations = verifyLog(workload, acks, asLogs(logs)).violations;
    expect(violations.slice(0, 5)).toEqual([
      `partition ${p} offset 0: value does not decode as a record of this run`,
      `partition ${p} offset 1: value does not decode as a record of this run`,
      `partition ${p} offset 2: value does not decode as a record of this run`,
      expect.stringMatching(new RegExp(`^partition ${p} offset 3: record ${idAt(originals[3])} \\(key k-someone-else, .*does not match what was sent$`)),
      expect.stringMatching(new RegExp(`^partition ${p} offset 4: record ${idAt(logs[other][0])} .*does not match what was sent$`)),
    ]);
    // The five displaced records are then missing from where they were acknowledged.
    expect(violations.slice(5)).toEqual(originals.map((r) => `record ${idAt(r)} acknowledged at partition ${p} offset ${r.offset} is missing`));
  });

  it('lists at most MAX_LISTED_VIOLATIONS and counts the rest', () => {
    const { acks } = perfectRun();
    const violations = verifyLog(workload, acks, asLogs([[], [], []])).violations;
    expect(violations).toHaveLength(MAX_LISTED_VIOLATIONS + 1);
    expect(violations.at(-1)).toBe(`… and ${60 - MAX_LISTED_VIOLATIONS} more`);
  });
});
