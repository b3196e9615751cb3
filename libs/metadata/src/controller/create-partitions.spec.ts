import { ErrorCode } from '@tributary/errors';
import { createPrng } from '@tributary/util';
import { liveBrokerIds, partitionOf } from '../image/cluster-image';
import { makeRecord } from '../records/metadata-record';
import { clusterWithBrokers, commit, defined, withTopic } from '../test-support/cluster-fixture';
import { createPartitions } from './create-partitions';

describe('createPartitions', () => {
  const image = withTopic(clusterWithBrokers([1, 2, 3, 4], [4]), 'orders', 2, 2);
  const ctx = { prng: createPrng(1) };

  it('adds partitions with the replication factor of partition 0, on live brokers, numbered after the existing ones', () => {
    const { records, results } = createPartitions(image, { topics: [{ name: 'orders', count: 5 }] }, ctx);
    expect(results).toEqual([{ name: 'orders', errorCode: 0, errorMessage: null }]);
    expect(records.map((r) => (r.type === 'PartitionRecord' ? r.partitionId : -1))).toEqual([2, 3, 4]);
    const after = commit(image, records);
    expect(after.topicsByName.get('orders')?.partitions).toHaveLength(5);
    for (const p of after.topicsByName.get('orders')?.partitions.slice(2) ?? []) {
      expect(p.replicas).toHaveLength(2);
      expect(p.replicas.every((id) => liveBrokerIds(image).includes(id))).toBe(true);
      expect(p.leader).toBe(p.replicas[0]);
    }
    expect(after.topicsByName.get('orders')?.partitions[0]).toBe(image.topicsByName.get('orders')?.partitions[0]);
  });

  it('takes manual assignments; the ISR excludes fenced replicas', () => {
    const { records, results } = createPartitions(image, { topics: [{ name: 'orders', count: 4, assignments: [[3, 1], [4, 2]] }] }, ctx);
    expect(results[0].errorCode).toBe(0);
    const after = commit(image, records);
    expect(partitionOf(after, 'orders', 2)).toMatchObject({ replicas: [3, 1], isr: [3, 1], leader: 3 });
    expect(partitionOf(after, 'orders', 3)).toMatchObject({ replicas: [4, 2], isr: [2], leader: 2 });
  });

  const cases: [string, Parameters<typeof createPartitions>[1]['topics'][number], number, string][] = [
    ['an unknown topic', { name: 'nope', count: 3 }, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nope' does not exist."],
    ['the same count', { name: 'orders', count: 2 }, ErrorCode.INVALID_PARTITIONS, 'Topic already has 2 partition(s).'],
    ['a smaller count', { name: 'orders', count: 1 }, ErrorCode.INVALID_PARTITIONS, 'The topic orders currently has 2 partition(s); 1 would not be an increase.'],
    ['an excessive count', { name: 'orders', count: 20_000 }, ErrorCode.INVALID_PARTITIONS, 'Excessively large number of partitions per request.'],
    ['too few assignments', { name: 'orders', count: 4, assignments: [[1, 2]] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'],
    ['an assignment of another replication factor', { name: 'orders', count: 3, assignments: [[1]] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).'],
    ['an unregistered broker', { name: 'orders', count: 3, assignments: [[1, 7]] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
  ];
  it.each(cases)('refuses %s', (_name, topic, errorCode, errorMessage) => {
    const { records, results } = createPartitions(image, { topics: [topic] }, ctx);
    expect(records).toEqual([]);
    expect(results[0]).toMatchObject({ errorCode, errorMessage });
  });

  it('INVALID_REPLICATION_FACTOR when fewer brokers are live than the topic needs', () => {
    const b2 = defined(image.brokers.get(2));
    const b3 = defined(image.brokers.get(3));
    const shrunk = commit(image, [
      makeRecord('BrokerRegistrationChangeRecord', { brokerId: 2, brokerEpoch: b2.brokerEpoch, fenced: 'FENCE' }),
      makeRecord('BrokerRegistrationChangeRecord', { brokerId: 3, brokerEpoch: b3.brokerEpoch, fenced: 'FENCE' }),
    ]);
    expect(createPartitions(shrunk, { topics: [{ name: 'orders', count: 3 }] }, ctx).results[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  it('INVALID_REQUEST for a topic named twice; validateOnly writes nothing', () => {
    expect(createPartitions(image, { topics: [{ name: 'orders', count: 3 }, { name: 'orders', count: 4 }] }, ctx).results.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
    ]);
    const dry = createPartitions(image, { topics: [{ name: 'orders', count: 3 }], validateOnly: true }, ctx);
    expect(dry.records).toEqual([]);
    expect(dry.results[0].errorCode).toBe(0);
  });
});
