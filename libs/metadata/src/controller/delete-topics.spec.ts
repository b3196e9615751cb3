import { ErrorCode } from '@tributary/errors';
import { makeRecord } from '../records/metadata-record';
import { clusterWithBrokers, commit, withTopic } from '../test-support/cluster-fixture';
import { deleteTopics } from './delete-topics';

describe('deleteTopics', () => {
  let image = withTopic(clusterWithBrokers([1, 2]), 'orders', 2, 2, { 'retention.ms': '5' }, 1);
  image = withTopic(image, 'logs', 1, 1, {}, 2);
  image = withTopic(image, '__consumer_offsets', 3, 1, {}, 3);
  const ordersId = image.topicsByName.get('orders')?.topicId as string;
  const logsId = image.topicsByName.get('logs')?.topicId as string;

  it('writes a RemoveTopicRecord per topic, by name or by id; applying it removes the topic and its configs', () => {
    const { records, results } = deleteTopics(image, { topics: [{ name: 'orders' }, { topicId: logsId.toUpperCase() }] });
    expect(records).toEqual([makeRecord('RemoveTopicRecord', { topicId: ordersId }), makeRecord('RemoveTopicRecord', { topicId: logsId })]);
    expect(results).toEqual([
      { name: 'orders', topicId: ordersId, errorCode: 0, errorMessage: null },
      { name: 'logs', topicId: logsId, errorCode: 0, errorMessage: null },
    ]);
    const after = commit(image, records);
    expect([...after.topicsByName.keys()]).toEqual(['__consumer_offsets']);
    expect(after.topicConfigs.has('orders')).toBe(false);
  });

  it('UNKNOWN_TOPIC_OR_PARTITION for an unknown name, UNKNOWN_TOPIC_ID for an unknown id', () => {
    const unknownId = '66666666-6666-4666-8666-666666666666';
    const { records, results } = deleteTopics(image, { topics: [{ name: 'nope' }, { topicId: unknownId }, { name: 'logs' }] });
    expect(results.map((r) => r.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID, 0]);
    expect(results[0]).toMatchObject({ name: 'nope', topicId: null, errorMessage: "Topic 'nope' does not exist." });
    expect(results[1]).toMatchObject({ name: null, topicId: unknownId });
    expect(records).toEqual([makeRecord('RemoveTopicRecord', { topicId: logsId })]);
  });

  it('protects internal topics', () => {
    const { records, results } = deleteTopics(image, { topics: [{ name: '__consumer_offsets' }] });
    expect(records).toEqual([]);
    expect(results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: "Topic '__consumer_offsets' is an internal topic and cannot be deleted." });
  });

  it('INVALID_REQUEST for a topic named twice (even once by name and once by id), or with neither/both of name and id', () => {
    const { records, results } = deleteTopics(image, {
      topics: [{ name: 'orders' }, { topicId: ordersId }, {}, { name: 'logs', topicId: logsId }, { topicId: 'zz' }],
    });
    expect(results.map((r) => r.errorCode)).toEqual(Array(5).fill(ErrorCode.INVALID_REQUEST));
    expect(records).toEqual([]);
  });

  it('TOPIC_DELETION_DISABLED when delete.topic.enable is false', () => {
    const { records, results } = deleteTopics(image, { topics: [{ name: 'orders' }] }, { deleteTopicEnable: false });
    expect(records).toEqual([]);
    expect(results[0].errorCode).toBe(ErrorCode.TOPIC_DELETION_DISABLED);
  });
});
