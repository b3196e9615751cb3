import fc from 'fast-check';
import { makeRecord, NO_LEADER_CHANGE } from '../records/metadata-record';
import { clusterWithBrokers, commit, defined, entriesAfter, withTopic } from '../test-support/cluster-fixture';
import { randomWorkload } from '../test-support/random-workload';
import type { ClusterImage } from './cluster-image';
import { applyBatch, diffImages, isEmptyDelta, type MetadataDelta } from './metadata-delta';

const NEW_ID = '33333333-3333-4333-8333-333333333333';

describe('MetadataDelta', () => {
  const base = withTopic(withTopic(clusterWithBrokers([1, 2, 3]), 'orders', 3, 2, { 'retention.ms': '10' }), 'logs', 1, 1);
  const ordersId = base.topicsByName.get('orders')?.topicId as string;

  it('lists a created topic, all its partitions (before undefined) and its configs', () => {
    const delta = applyBatch(base, entriesAfter(base, [
      makeRecord('TopicRecord', { name: 'new', topicId: NEW_ID }),
      makeRecord('PartitionRecord', { partitionId: 0, topicId: NEW_ID, replicas: [2], isr: [2], removingReplicas: [], addingReplicas: [], leader: 2, leaderEpoch: 0, partitionEpoch: 0 }),
      makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'new', name: 'cleanup.policy', value: 'compact' }),
    ]));
    expect(delta.topicsCreated.map((t) => t.name)).toEqual(['new']);
    expect(delta.topicsDeleted).toEqual([]);
    expect(delta.partitionsChanged.map((c) => [c.topicName, c.partitionId, c.before, c.after.leader])).toEqual([['new', 0, undefined, 2]]);
    expect(delta.configsChanged).toEqual([{ resourceType: 'TOPIC', resourceName: 'new', name: 'cleanup.policy', before: undefined, after: 'compact' }]);
    expect(delta.after.topicsByName.has('new')).toBe(true);
  });

  it('lists only the partition that changed, with before and after', () => {
    const delta = applyBatch(base, entriesAfter(base, [
      makeRecord('PartitionChangeRecord', { partitionId: 1, topicId: ordersId, isr: null, leader: NO_LEADER_CHANGE, replicas: null, removingReplicas: null, addingReplicas: null }),
    ]));
    expect(delta.topicsCreated).toEqual([]);
    expect(delta.partitionsChanged).toHaveLength(1);
    const [c] = delta.partitionsChanged;
    expect([c.topicName, c.partitionId, c.before?.partitionEpoch, c.after.partitionEpoch]).toEqual(['orders', 1, 0, 1]);
    expect(delta.configsChanged).toEqual([]);
  });

  it('shows a topic deleted and re-created under the same name in one batch as both, and drops its old configs', () => {
    const delta = applyBatch(base, entriesAfter(base, [
      makeRecord('RemoveTopicRecord', { topicId: ordersId }),
      makeRecord('TopicRecord', { name: 'orders', topicId: NEW_ID }),
      makeRecord('PartitionRecord', { partitionId: 0, topicId: NEW_ID, replicas: [1], isr: [1], removingReplicas: [], addingReplicas: [], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }),
    ]));
    expect(delta.topicsDeleted.map((t) => t.topicId)).toEqual([ordersId]);
    expect(delta.topicsCreated.map((t) => t.topicId)).toEqual([NEW_ID]);
    expect(delta.partitionsChanged.map((c) => [c.topicId, c.partitionId])).toEqual([[NEW_ID, 0]]);
    expect(delta.configsChanged).toEqual([{ resourceType: 'TOPIC', resourceName: 'orders', name: 'retention.ms', before: '10', after: undefined }]);
  });

  it('reports brokers, features and producer-id blocks, and is empty when nothing changed', () => {
    const b2 = defined(base.brokers.get(2));
    const delta = applyBatch(base, entriesAfter(base, [
      makeRecord('BrokerRegistrationChangeRecord', { brokerId: 2, brokerEpoch: b2.brokerEpoch, fenced: 'FENCE' }),
      makeRecord('FeatureLevelRecord', { name: 'metadata.version', featureLevel: 2 }),
      makeRecord('ProducerIdsRecord', { brokerId: 2, brokerEpoch: b2.brokerEpoch, nextProducerId: 1000 }),
    ]));
    expect(delta.brokersChanged.map((c) => [c.brokerId, c.before?.fenced, c.after?.fenced])).toEqual([[2, false, true]]);
    expect(delta.featuresChanged).toEqual([{ name: 'metadata.version', before: 1, after: 2 }]);
    expect(delta.nextProducerIdChanged).toEqual({ before: 0, after: 1000 });
    expect(isEmptyDelta(delta)).toBe(false);
    expect(isEmptyDelta(diffImages(base, base))).toBe(true);
    const noOp = applyBatch(base, entriesAfter(base, [makeRecord('BrokerRegistrationChangeRecord', { brokerId: 1, brokerEpoch: defined(base.brokers.get(1)).brokerEpoch, fenced: 'NONE' })]));
    expect(isEmptyDelta(noOp)).toBe(true);
    expect(noOp.after.metadataOffset).toBe(base.metadataOffset + 1);
  });

  it('equals a brute-force comparison of the two images (property over random workloads)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.nat(), fc.nat(), (seed, a, b) => {
        const { images } = randomWorkload(seed, 60);
        const [from, to] = [a % images.length, b % images.length].sort((x, y) => x - y);
        expect(summarize(diffImages(images[from], images[to]))).toEqual(bruteForce(images[from], images[to]));
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic: the same records give the same delta', () => {
    const records = [makeRecord('TopicRecord', { name: 'new', topicId: NEW_ID })];
    expect(summarize(applyBatch(base, entriesAfter(base, records)))).toEqual(summarize(diffImages(base, commit(base, records))));
  });
});

type Summary = Record<string, unknown[]>;

function summarize(delta: MetadataDelta): Summary {
  return {
    created: delta.topicsCreated.map((t) => t.topicId),
    deleted: delta.topicsDeleted.map((t) => t.topicId),
    partitions: delta.partitionsChanged.map((c) => `${c.topicId}/${c.partitionId}:${JSON.stringify(c.before)}->${JSON.stringify(c.after)}`).sort(),
    configs: delta.configsChanged.map((c) => `${c.resourceType}/${c.resourceName}/${c.name}:${c.before}->${c.after}`).sort(),
    brokers: delta.brokersChanged.map((c) => `${c.brokerId}:${JSON.stringify(c.before)}->${JSON.stringify(c.after)}`).sort(),
    features: delta.featuresChanged.map((c) => `${c.name}:${c.before}->${c.after}`).sort(),
    producerIds: delta.nextProducerIdChanged ? [delta.nextProducerIdChanged.before, delta.nextProducerIdChanged.after] : [],
  };
}

/** The same summary, computed by comparing every value of both images. */
function bruteForce(before: ClusterImage, after: ClusterImage): Summary {
  const json = (v: unknown): string => JSON.stringify(v);
  const created = [...after.topicsById.values()].filter((t) => !before.topicsById.has(t.topicId)).sort((x, y) => (x.name < y.name ? -1 : 1));
  const deleted = [...before.topicsById.values()].filter((t) => !after.topicsById.has(t.topicId)).sort((x, y) => (x.name < y.name ? -1 : 1));
  const partitions: string[] = [];
  for (const t of after.topicsById.values()) {
    t.partitions.forEach((p, i) => {
      const old = before.topicsById.get(t.topicId)?.partitions[i];
      if (json(old) !== json(p)) partitions.push(`${t.topicId}/${i}:${json(old)}->${json(p)}`);
    });
  }
  const configs: string[] = [];
  for (const [type, b, a] of [['TOPIC', before.topicConfigs, after.topicConfigs], ['BROKER', before.brokerConfigs, after.brokerConfigs]] as const) {
    for (const resource of new Set([...b.keys(), ...a.keys()])) {
      for (const name of new Set([...(b.get(resource)?.keys() ?? []), ...(a.get(resource)?.keys() ?? [])])) {
        const [x, y] = [b.get(resource)?.get(name), a.get(resource)?.get(name)];
        if (x !== y) configs.push(`${type}/${resource}/${name}:${x}->${y}`);
      }
    }
  }
  const brokers: string[] = [];
  for (const id of new Set([...before.brokers.keys(), ...after.brokers.keys()])) {
    const [x, y] = [before.brokers.get(id), after.brokers.get(id)];
    if (json(x) !== json(y)) brokers.push(`${id}:${json(x)}->${json(y)}`);
  }
  const features: string[] = [];
  for (const name of new Set([...before.features.keys(), ...after.features.keys()])) {
    if (before.features.get(name) !== after.features.get(name)) features.push(`${name}:${before.features.get(name)}->${after.features.get(name)}`);
  }
  return {
    created: created.map((t) => t.topicId),
    deleted: deleted.map((t) => t.topicId),
    partitions: partitions.sort(),
    configs: configs.sort(),
    brokers: brokers.sort(),
    features: features.sort(),
    producerIds: before.nextProducerId === after.nextProducerId ? [] : [before.nextProducerId, after.nextProducerId],
  };
}
