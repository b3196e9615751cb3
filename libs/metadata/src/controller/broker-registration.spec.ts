import { ErrorCode } from '@tributary/errors';
import { AssertionError } from '@tributary/util';
import { liveBrokerIds, partitionOf } from '../image/cluster-image';
import { makeRecord, METADATA_VERSION_FEATURE, NO_LEADER } from '../records/metadata-record';
import { brokerRequest, clusterWithBrokers, commit, defined, incarnationOf } from '../test-support/cluster-fixture';
import { fenceBroker, registerBroker, unfenceBroker } from './broker-registration';
import { allocateProducerIds, PRODUCER_ID_BLOCK_SIZE } from './producer-ids';

const TOPIC_ID = '77777777-7777-4777-8777-777777777777';

describe('registerBroker', () => {
  const image = clusterWithBrokers([1, 2]);
  const next = { writeOffset: image.metadataOffset + 1 };

  it('registers a new broker fenced, with the write offset as its epoch', () => {
    const { records, results } = registerBroker(image, brokerRequest(3, incarnationOf(3), 'rack-a'), next);
    expect(results).toEqual({ errorCode: 0, errorMessage: null, brokerEpoch: next.writeOffset });
    const after = commit(image, records);
    expect(after.brokers.get(3)).toMatchObject({ brokerId: 3, brokerEpoch: next.writeOffset, fenced: true, rack: 'rack-a' });
    expect(liveBrokerIds(after)).toEqual([1, 2]);
  });

  it('lets the same incarnation register again (a retry), with a new epoch', () => {
    const { results } = registerBroker(image, brokerRequest(1), next);
    expect(results).toMatchObject({ errorCode: 0, brokerEpoch: next.writeOffset });
  });

  it('DUPLICATE_BROKER_REGISTRATION for another incarnation while the registered one has a session; allowed once it has not', () => {
    const other = brokerRequest(1, incarnationOf(1, 1));
    expect(registerBroker(image, other, next).results).toMatchObject({
      errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION,
      errorMessage: 'Another broker is registered with that broker id.',
      brokerEpoch: -1,
    });
    expect(registerBroker(image, other, { ...next, hasActiveSession: () => false }).results.errorCode).toBe(0);
    const fenced = commit(image, fenceBroker(image, defined(image.brokers.get(1))).records);
    expect(registerBroker(fenced, other, { writeOffset: fenced.metadataOffset + 1 }).results.errorCode).toBe(0);
  });

  it('INCONSISTENT_CLUSTER_ID, UNSUPPORTED_VERSION and INVALID_REGISTRATION', () => {
    expect(registerBroker(image, { ...brokerRequest(5), clusterId: 'other' }, { ...next, clusterId: 'mine' }).results).toMatchObject({
      errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID,
      errorMessage: 'Expected cluster ID mine, but got cluster ID other',
    });
    const tooOld = { ...brokerRequest(5), features: [{ name: METADATA_VERSION_FEATURE, minSupportedVersion: 2, maxSupportedVersion: 3 }] };
    expect(registerBroker(image, tooOld, next).results).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      errorMessage: 'Unable to register because the broker does not support finalized version 1 of metadata.version. The broker wants a version between 2 and 3, inclusive.',
    });
    expect(registerBroker(image, { ...brokerRequest(5), features: [] }, next).results.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const bad = [
      { ...brokerRequest(5), brokerId: -1 },
      { ...brokerRequest(5), incarnationId: 'nope' },
      { ...brokerRequest(5), endpoints: [...brokerRequest(5).endpoints, ...brokerRequest(5).endpoints] },
      { ...brokerRequest(5), endpoints: [{ ...brokerRequest(5).endpoints[0], port: 70_000 }] },
    ];
    for (const request of bad) expect(registerBroker(image, request, next).results.errorCode).toBe(ErrorCode.INVALID_REGISTRATION);
  });

  it('asserts that the write offset lies after the image', () => {
    expect(() => registerBroker(image, brokerRequest(3), { writeOffset: image.metadataOffset })).toThrow(AssertionError);
  });
});

describe('fenceBroker / unfenceBroker', () => {
  const partition = (partitionId: number, replicas: number[], isr = replicas, leader = isr[0]) =>
    makeRecord('PartitionRecord', { partitionId, topicId: TOPIC_ID, replicas, isr, removingReplicas: [], addingReplicas: [], leader, leaderEpoch: 0, partitionEpoch: 0 });
  const image = commit(clusterWithBrokers([1, 2, 3]), [
    makeRecord('TopicRecord', { name: 't', topicId: TOPIC_ID }),
    partition(0, [1, 2, 3]),
    partition(1, [2, 1]),
    partition(2, [1]),
    partition(3, [3, 2]),
  ]);
  const b1 = defined(image.brokers.get(1));

  it('fencing moves leadership to the next live ISR replica and shrinks ISRs, keeping the last ISR member', () => {
    const { records, results } = fenceBroker(image, b1);
    expect(results.errorCode).toBe(0);
    const after = commit(image, records);
    expect(after.brokers.get(1)?.fenced).toBe(true);
    expect(partitionOf(after, 't', 0)).toMatchObject({ isr: [2, 3], leader: 2, leaderEpoch: 1 });
    expect(partitionOf(after, 't', 1)).toMatchObject({ isr: [2], leader: 2, leaderEpoch: 0 });
    expect(partitionOf(after, 't', 2)).toMatchObject({ isr: [1], leader: NO_LEADER, leaderEpoch: 1 });
    expect(partitionOf(after, 't', 3)).toBe(partitionOf(image, 't', 3));
    expect(fenceBroker(after, b1).records).toEqual([]);
  });

  it('unfencing elects a leader for leaderless partitions with a live ISR member', () => {
    const fenced = commit(image, fenceBroker(image, b1).records);
    const { records, results } = unfenceBroker(fenced, b1);
    expect(results.errorCode).toBe(0);
    const after = commit(fenced, records);
    expect(after.brokers.get(1)?.fenced).toBe(false);
    expect(partitionOf(after, 't', 2)).toMatchObject({ isr: [1], leader: 1, leaderEpoch: 2 });
    expect(partitionOf(after, 't', 0)?.leader).toBe(2);
    expect(unfenceBroker(after, b1).records).toEqual([]);
  });

  it('STALE_BROKER_EPOCH for an unknown broker or an old epoch', () => {
    expect(fenceBroker(image, { brokerId: 9, brokerEpoch: 1 }).results.errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    expect(unfenceBroker(image, { brokerId: 1, brokerEpoch: b1.brokerEpoch - 1 }).results).toMatchObject({
      errorCode: ErrorCode.STALE_BROKER_EPOCH,
      errorMessage: `Expected broker epoch ${b1.brokerEpoch}, but got broker epoch ${b1.brokerEpoch - 1}`,
    });
  });
});

describe('allocateProducerIds', () => {
  const image = clusterWithBrokers([1, 2]);
  const b1 = defined(image.brokers.get(1));
  const b2 = defined(image.brokers.get(2));

  it('hands out consecutive blocks of 1000, durable through the ProducerIdsRecord', () => {
    const first = allocateProducerIds(image, b1);
    expect(first.results).toEqual({ errorCode: 0, errorMessage: null, producerIdStart: 0, producerIdLen: PRODUCER_ID_BLOCK_SIZE });
    expect(first.records).toEqual([makeRecord('ProducerIdsRecord', { brokerId: 1, brokerEpoch: b1.brokerEpoch, nextProducerId: 1000 })]);
    const after = commit(image, first.records);
    expect(after.nextProducerId).toBe(1000);
    expect(allocateProducerIds(after, b2).results.producerIdStart).toBe(1000);
    expect(allocateProducerIds(image, b2).results.producerIdStart).toBe(0);
  });

  it('STALE_BROKER_EPOCH for an unregistered broker or a stale epoch', () => {
    expect(allocateProducerIds(image, { brokerId: 9, brokerEpoch: 0 }).results).toMatchObject({
      errorCode: ErrorCode.STALE_BROKER_EPOCH,
      errorMessage: 'No broker registration found for broker 9',
      producerIdStart: -1,
    });
    expect(allocateProducerIds(image, { brokerId: 1, brokerEpoch: b1.brokerEpoch + 1 }).results.errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
  });

  it('refuses to go past the largest safe integer', () => {
    const nearEnd = commit(image, [makeRecord('ProducerIdsRecord', { brokerId: -1, brokerEpoch: -1, nextProducerId: Number.MAX_SAFE_INTEGER - 10 })]);
    const { records, results } = allocateProducerIds(nearEnd, b1);
    expect(records).toEqual([]);
    expect(results).toMatchObject({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'Exhausted all producerIds.' });
  });
});
