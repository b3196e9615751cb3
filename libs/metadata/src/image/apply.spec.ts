import { AssertionError } from '@tributary/util';
import fc from 'fast-check';
import { makeRecord, METADATA_VERSION_FEATURE, NO_LEADER, NO_LEADER_CHANGE, type MetadataRecord, type PartitionRecord } from '../records/metadata-record';
import { clusterWithBrokers, commit, defined, withTopic } from '../test-support/cluster-fixture';
import { randomWorkload } from '../test-support/random-workload';
import { applyRecord, applyRecords } from './apply';
import { configsOf, EMPTY_CLUSTER_IMAGE, imageToPlain, liveBrokerIds, metadataVersion, partitionOf } from './cluster-image';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

const topic = (name: string, topicId: string) => makeRecord('TopicRecord', { name, topicId });
const partition = (topicId: string, partitionId: number, replicas: number[], fields: Partial<PartitionRecord> = {}): PartitionRecord =>
  makeRecord('PartitionRecord', {
    partitionId,
    topicId,
    replicas,
    isr: replicas,
    removingReplicas: [],
    addingReplicas: [],
    leader: replicas[0],
    leaderEpoch: 0,
    partitionEpoch: 0,
    ...fields,
  });
const change = (topicId: string, partitionId: number, fields: { isr?: number[] | null; leader?: number }) =>
  makeRecord('PartitionChangeRecord', {
    partitionId,
    topicId,
    isr: fields.isr ?? null,
    leader: fields.leader ?? NO_LEADER_CHANGE,
    replicas: null,
    removingReplicas: null,
    addingReplicas: null,
  });

describe('applying records to the cluster image', () => {
  const brokers = clusterWithBrokers([1, 2, 3]);

  it('starts empty at offset -1', () => {
    expect(EMPTY_CLUSTER_IMAGE.metadataOffset).toBe(-1);
    expect(EMPTY_CLUSTER_IMAGE.topicsByName.size).toBe(0);
    expect(EMPTY_CLUSTER_IMAGE.nextProducerId).toBe(0);
  });

  it('builds topics, partitions, configs, brokers, features and producer ids from a record sequence', () => {
    expect(metadataVersion(brokers)).toBe(1);
    expect(liveBrokerIds(brokers)).toEqual([1, 2, 3]);
    const image = commit(brokers, [
      topic('orders', T1),
      partition(T1, 0, [1, 2]),
      partition(T1, 1, [2, 3]),
      makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'orders', name: 'retention.ms', value: '1000' }),
      makeRecord('ConfigRecord', { resourceType: 'BROKER', resourceName: '', name: 'log.retention.ms', value: '5' }),
      makeRecord('ProducerIdsRecord', { brokerId: 1, brokerEpoch: 3, nextProducerId: 1000 }),
    ]);
    expect(image.metadataOffset).toBe(brokers.metadataOffset + 6);
    const orders = image.topicsByName.get('orders');
    expect(orders?.topicId).toBe(T1);
    expect(image.topicsById.get(T1)).toBe(orders);
    expect(orders?.partitions.map((p) => p.leader)).toEqual([1, 2]);
    expect(partitionOf(image, 'orders', 1)).toMatchObject({ replicas: [2, 3], isr: [2, 3], leaderEpoch: 0, partitionEpoch: 0 });
    expect(configsOf(image, { resourceType: 'TOPIC', resourceName: 'orders' }).get('retention.ms')).toBe('1000');
    expect(configsOf(image, { resourceType: 'BROKER', resourceName: '' }).get('log.retention.ms')).toBe('5');
    expect(image.nextProducerId).toBe(1000);
  });

  it("merges PartitionChangeRecords as Kafka: a new leader bumps leaderEpoch, every change bumps partitionEpoch", () => {
    let image = commit(brokers, [topic('t', T1), partition(T1, 0, [1, 2, 3])]);
    image = commit(image, [change(T1, 0, { isr: [1, 2] })]);
    expect(partitionOf(image, 't', 0)).toMatchObject({ isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 1 });
    image = commit(image, [change(T1, 0, { leader: 2 })]);
    expect(partitionOf(image, 't', 0)).toMatchObject({ isr: [1, 2], leader: 2, leaderEpoch: 1, partitionEpoch: 2 });
    image = commit(image, [change(T1, 0, { isr: [1], leader: NO_LEADER })]);
    expect(partitionOf(image, 't', 0)).toMatchObject({ isr: [1], leader: NO_LEADER, leaderEpoch: 2, partitionEpoch: 3 });
  });

  it('removes a topic with its partitions and configs; a feature level of 0 removes the feature', () => {
    let image = withTopic(brokers, 'gone', 2, 2, { 'retention.ms': '1' });
    const id = image.topicsByName.get('gone')?.topicId as string;
    image = commit(image, [makeRecord('RemoveTopicRecord', { topicId: id }), makeRecord('FeatureLevelRecord', { name: METADATA_VERSION_FEATURE, featureLevel: 0 })]);
    expect(image.topicsByName.has('gone')).toBe(false);
    expect(image.topicsById.has(id)).toBe(false);
    expect(image.topicConfigs.has('gone')).toBe(false);
    expect(metadataVersion(image)).toBe(0);
  });

  it('fences and unfences brokers, and re-registration replaces the registration', () => {
    const b1 = defined(brokers.brokers.get(1));
    let image = commit(brokers, [makeRecord('BrokerRegistrationChangeRecord', { brokerId: 1, brokerEpoch: b1.brokerEpoch, fenced: 'FENCE' })]);
    expect(liveBrokerIds(image)).toEqual([2, 3]);
    image = commit(image, [makeRecord('BrokerRegistrationChangeRecord', { brokerId: 1, brokerEpoch: b1.brokerEpoch, fenced: 'NONE' })]);
    expect(image.brokers.get(1)?.fenced).toBe(true);
    const epoch = image.metadataOffset + 1;
    image = commit(image, [{ ...makeRecord('RegisterBrokerRecord', { ...b1, brokerEpoch: epoch, fenced: false }) }]);
    expect(image.brokers.get(1)?.brokerEpoch).toBe(epoch);
  });

  it('shares everything that did not change, never mutates its input, and freezes what it builds', () => {
    const before = commit(brokers, [topic('a', T1), partition(T1, 0, [1]), topic('b', T2), partition(T2, 0, [2]), partition(T2, 1, [3])]);
    const plainBefore = imageToPlain(before);
    const after = commit(before, [change(T2, 1, { leader: 3 })]);
    expect(imageToPlain(before)).toEqual(plainBefore);
    expect(after.topicsByName.get('a')).toBe(before.topicsByName.get('a'));
    expect(after.topicsByName.get('b')?.partitions[0]).toBe(before.topicsByName.get('b')?.partitions[0]);
    expect(after.topicsByName.get('b')?.partitions[1]).not.toBe(before.topicsByName.get('b')?.partitions[1]);
    expect(after.brokers).toBe(before.brokers);
    expect(after.topicConfigs).toBe(before.topicConfigs);
    const p = after.topicsByName.get('b')?.partitions[1];
    expect(Object.isFrozen(after)).toBe(true);
    expect(Object.isFrozen(after.topicsByName.get('b'))).toBe(true);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p?.isr)).toBe(true);
    expect(() => (p?.isr as number[]).push(9)).toThrow(TypeError);
    expect('set' in after.topicsByName).toBe(false);
  });

  it('does not keep references to the arrays of the records it applied', () => {
    const replicas = [1, 2];
    const image = commit(brokers, [topic('t', T1), partition(T1, 0, replicas)]);
    replicas.push(3);
    expect(partitionOf(image, 't', 0)?.replicas).toEqual([1, 2]);
  });

  describe('asserts on records that contradict the image (bugs, not results)', () => {
    const base = commit(brokers, [topic('t', T1), partition(T1, 0, [1, 2])]);
    const epochOf = (id: number): number => base.brokers.get(id)?.brokerEpoch as number;
    const cases: [string, MetadataRecord][] = [
      ['a partition of an unknown topic id', partition(T2, 0, [1])],
      ['a second topic with the same name', topic('t', T2)],
      ['a second topic with the same id', topic('u', T1)],
      ['a topic with an illegal name', topic('a b', T2)],
      ['a partition id that leaves a gap', partition(T1, 2, [1])],
      ['a leader outside the isr', partition(T1, 1, [1, 2], { isr: [2], leader: 1 })],
      ['an isr outside the replicas', partition(T1, 1, [1, 2], { isr: [1, 3] })],
      ['an empty isr', partition(T1, 1, [1, 2], { isr: [], leader: NO_LEADER })],
      ['duplicate replicas', partition(T1, 1, [1, 1])],
      ['a replica both adding and removing', partition(T1, 1, [1, 2], { addingReplicas: [2], removingReplicas: [2] })],
      ['a change to a missing partition', change(T1, 5, { leader: 1 })],
      ['a change electing a leader outside the isr', change(T1, 0, { isr: [1], leader: 2 })],
      ['removing an unknown topic', makeRecord('RemoveTopicRecord', { topicId: T2 })],
      ['a config of an unknown topic', makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'nope', name: 'k', value: 'v' })],
      ['a config of a malformed broker resource', makeRecord('ConfigRecord', { resourceType: 'BROKER', resourceName: '01', name: 'k', value: 'v' })],
      ['fencing an unregistered broker', makeRecord('BrokerRegistrationChangeRecord', { brokerId: 9, brokerEpoch: 1, fenced: 'FENCE' })],
      ['fencing with a stale broker epoch', makeRecord('BrokerRegistrationChangeRecord', { brokerId: 1, brokerEpoch: epochOf(1) - 1, fenced: 'FENCE' })],
      ['re-registering with an older epoch', makeRecord('RegisterBrokerRecord', { ...defined(base.brokers.get(2)), brokerEpoch: 0 })],
      ['producer ids that go backwards', makeRecord('ProducerIdsRecord', { brokerId: 1, brokerEpoch: 1, nextProducerId: 0 })],
    ];
    it.each(cases)('%s', (_name, record) => {
      expect(() => commit(base, [record])).toThrow(AssertionError);
    });

    it('offsets that do not increase, or epochs that go back', () => {
      const record = makeRecord('FeatureLevelRecord', { name: 'x', featureLevel: 1 });
      expect(() => applyRecord(base, { offset: base.metadataOffset, epoch: base.metadataEpoch, record })).toThrow(/does not follow/);
      expect(() => applyRecord(base, { offset: base.metadataOffset + 1, epoch: base.metadataEpoch - 1, record })).toThrow(/epoch/);
    });

    it('and a failing batch leaves the input image as it was', () => {
      const plain = imageToPlain(base);
      expect(() => commit(base, [topic('v', T2), partition(T2, 0, [1]), partition(T2, 3, [1])])).toThrow(AssertionError);
      expect(imageToPlain(base)).toEqual(plain);
      expect(base.topicsByName.has('v')).toBe(false);
    });
  });

  it('applying a batch equals applying its records one at a time (property over random workloads)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const { batches, epochs, image } = randomWorkload(seed, 40);
        let oneByOne = EMPTY_CLUSTER_IMAGE;
        let offset = 0;
        batches.forEach((batch, i) => {
          for (const record of batch) oneByOne = applyRecord(oneByOne, { offset: offset++, epoch: epochs[i], record });
        });
        const entries = batches.flatMap((batch, i) => batch.map((record) => ({ epoch: epochs[i], record }))).map((e, o) => ({ ...e, offset: o }));
        const allAtOnce = applyRecords(EMPTY_CLUSTER_IMAGE, entries);
        expect(imageToPlain(oneByOne)).toEqual(imageToPlain(image));
        expect(imageToPlain(allAtOnce)).toEqual(imageToPlain(image));
      }),
      { numRuns: 40 },
    );
  });
});
