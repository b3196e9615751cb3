import { type Workload, decodeValue } from './workload';

/** Violations listed in full before the rest are only counted (a broken run can produce 100,000). */
export const MAX_LISTED_VIOLATIONS = 40;

/**
 * Where each acknowledged record landed, by record id: `partition[id]` and
 * `offset[id]` are what its send promise resolved with, -1 while unacknowledged.
 */
export interface Acknowledgements {
  readonly partition: Int16Array;
  readonly offset: Float64Array;
}

/** An empty acknowledgement table for `count` records. */
export function newAcknowledgements(count: number): Acknowledgements {
  return { partition: new Int16Array(count).fill(-1), offset: new Float64Array(count).fill(-1) };
}

/** One record as read back from the broker. */
export interface LoggedRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array | null;
}

/** Everything read back from one partition: its records in log order and its end offset (high watermark). */
export interface PartitionLog {
  readonly partition: number;
  readonly endOffset: number;
  readonly records: readonly LoggedRecord[];
}

/** What the check found: `violations` is empty exactly when every guarantee held. */
export interface LogReport {
  readonly violations: readonly string[];
  readonly recordsInLog: number;
  readonly acknowledged: number;
  /** Records whose send did not resolve but that were written (allowed, at most once each). */
  readonly unacknowledgedInLog: number;
}

class ViolationList {
  readonly listed: string[] = [];
  private unlisted = 0;

  add(text: string): void {
    if (this.listed.length < MAX_LISTED_VIOLATIONS) this.listed.push(text);
    else this.unlisted++;
  }

  all(): string[] {
    return this.unlisted === 0 ? this.listed : [...this.listed, `… and ${this.unlisted} more`];
  }
}

/**
 * Checks the logs read back against what was sent and acknowledged, as an
 * idempotent producer with acks=all promises on one partition log:
 *
 * - offsets are dense: 0, 1, … up to `endOffset - 1` (nothing is deleted in the scenario);
 * - every value decodes, and its id, key, partition and per-partition sequence match the plan;
 * - no record appears twice (acknowledged or not);
 * - within a partition, sequences strictly increase (send order is kept, retries included);
 * - every acknowledged record is present, in the partition and at the offset its acknowledgement named.
 */
export function verifyLog(workload: Workload, acks: Acknowledgements, logs: readonly PartitionLog[]): LogReport {
  const violations = new ViolationList();
  const foundAt = new Float64Array(workload.count).fill(-1);
  const foundIn = new Int16Array(workload.count).fill(-1);
  let recordsInLog = 0;
  let unacknowledgedInLog = 0;
  for (const log of logs) {
    let expectedOffset = 0;
    let lastSequence = -1;
    for (const record of log.records) {
      recordsInLog++;
      const where = `partition ${log.partition} offset ${record.offset}`;
      if (record.offset !== expectedOffset) violations.add(`${where}: expected offset ${expectedOffset} (offsets must be dense)`);
      expectedOffset = record.offset + 1;
      const identity = decodeValue(record.value);
      if (identity === undefined || identity.id >= workload.count) {
        violations.add(`${where}: value does not decode as a record of this run`);
        continue;
      }
      const { id, sequence } = identity;
      if (identity.partition !== log.partition || workload.partitions[id] !== log.partition || sequence !== workload.sequences[id] || record.key !== workload.keys[id]) {
        violations.add(`${where}: record ${id} (key ${record.key}, partition ${identity.partition}, sequence ${sequence}) does not match what was sent`);
        continue;
      }
      if (foundAt[id] >= 0) {
        violations.add(`${where}: record ${id} is a duplicate of partition ${foundIn[id]} offset ${foundAt[id]}`);
        continue;
      }
      foundAt[id] = record.offset;
      foundIn[id] = log.partition;
      if (sequence <= lastSequence) violations.add(`${where}: record ${id} has sequence ${sequence} after ${lastSequence} (out of send order)`);
      lastSequence = Math.max(lastSequence, sequence);
      if (acks.offset[id] < 0) unacknowledgedInLog++;
    }
    if (expectedOffset !== log.endOffset) violations.add(`partition ${log.partition}: records end at offset ${expectedOffset}, the high watermark is ${log.endOffset}`);
  }
  let acknowledged = 0;
  for (let id = 0; id < workload.count; id++) {
    if (acks.offset[id] < 0) continue;
    acknowledged++;
    const acked = `record ${id} acknowledged at partition ${acks.partition[id]} offset ${acks.offset[id]}`;
    if (foundAt[id] < 0) violations.add(`${acked} is missing`);
    else if (foundAt[id] !== acks.offset[id] || foundIn[id] !== acks.partition[id]) violations.add(`${acked} is at partition ${foundIn[id]} offset ${foundAt[id]}`);
  }
  return { violations: violations.all(), recordsInLog, acknowledged, unacknowledgedInLog };
}
