import { ErrorCode } from '@tributary/errors';
import { configsOf } from '../image/cluster-image';
import { makeRecord } from '../records/metadata-record';
import { clusterWithBrokers, commit, withTopic } from '../test-support/cluster-fixture';
import { ACCEPT_ALL_CONFIGS } from './controller-result';
import { type AlterConfigsResource, type ConfigSchema, incrementalAlterConfigs } from './incremental-alter-configs';

const LIST_CONFIGS = new Set(['cleanup.policy', 'leader.replication.throttled.replicas']);
const schema: ConfigSchema = {
  isList: (_type, name) => LIST_CONFIGS.has(name),
  defaultValue: (_type, name) => (name === 'cleanup.policy' ? 'delete' : undefined),
};
const ctx = { validateConfigs: ACCEPT_ALL_CONFIGS, configSchema: schema };

const topic = (configs: AlterConfigsResource['configs'], resourceName = 'orders'): AlterConfigsResource => ({ resourceType: 'TOPIC', resourceName, configs });

describe('incrementalAlterConfigs', () => {
  const image = withTopic(clusterWithBrokers([1, 2]), 'orders', 1, 1, { 'retention.ms': '100', 'segment.bytes': '1024' });
  const orders = (i: typeof image) => Object.fromEntries(configsOf(i, { resourceType: 'TOPIC', resourceName: 'orders' }));

  it('SET and DELETE write ConfigRecords (null = delete) for what changes only', () => {
    const { records, results } = incrementalAlterConfigs(
      image,
      { resources: [topic([{ name: 'retention.ms', op: 'SET', value: '200' }, { name: 'segment.bytes', op: 'DELETE', value: null }, { name: 'absent', op: 'DELETE', value: null }])] },
      ctx,
    );
    expect(results).toEqual([{ resourceType: 'TOPIC', resourceName: 'orders', errorCode: 0, errorMessage: null }]);
    expect(records).toEqual([
      makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'orders', name: 'retention.ms', value: '200' }),
      makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'orders', name: 'segment.bytes', value: null }),
    ]);
    expect(orders(commit(image, records))).toEqual({ 'retention.ms': '200' });
    const same = incrementalAlterConfigs(image, { resources: [topic([{ name: 'retention.ms', op: 'SET', value: '100' }])] }, ctx);
    expect([same.records, same.results[0].errorCode]).toEqual([[], 0]);
  });

  it('APPEND and SUBTRACT edit list configs, starting from the default', () => {
    let next = commit(image, incrementalAlterConfigs(image, { resources: [topic([{ name: 'cleanup.policy', op: 'APPEND', value: 'compact,delete' }])] }, ctx).records);
    expect(orders(next)['cleanup.policy']).toBe('delete,compact');
    next = commit(next, incrementalAlterConfigs(next, { resources: [topic([{ name: 'cleanup.policy', op: 'SUBTRACT', value: 'delete' }])] }, ctx).records);
    expect(orders(next)['cleanup.policy']).toBe('compact');
    const r = incrementalAlterConfigs(next, { resources: [topic([{ name: 'leader.replication.throttled.replicas', op: 'SUBTRACT', value: '0:1' }])] }, ctx);
    expect(r.records).toEqual([makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 'orders', name: 'leader.replication.throttled.replicas', value: '' })]);
  });

  it("INVALID_CONFIG for APPEND/SUBTRACT on a config that is not a list", () => {
    for (const op of ['APPEND', 'SUBTRACT'] as const) {
      const { records, results } = incrementalAlterConfigs(image, { resources: [topic([{ name: 'retention.ms', op, value: '5' }])] }, ctx);
      expect(records).toEqual([]);
      expect(results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Can't ${op} to key retention.ms because its type is not LIST.` });
    }
  });

  it('gives the validator the resulting configs of the resource and fails the whole resource on its error', () => {
    const seen: Record<string, string>[] = [];
    const validateConfigs = (configs: Record<string, string>) => {
      seen.push({ ...configs });
      return configs['retention.ms'] === '-1' ? null : { errorCode: ErrorCode.INVALID_CONFIG, message: 'retention.ms must be -1' };
    };
    const { records, results } = incrementalAlterConfigs(
      image,
      { resources: [topic([{ name: 'retention.ms', op: 'SET', value: '7' }, { name: 'x', op: 'SET', value: '1' }])] },
      { validateConfigs, configSchema: schema },
    );
    expect(seen).toEqual([{ 'retention.ms': '7', 'segment.bytes': '1024', x: '1' }]);
    expect(records).toEqual([]);
    expect(results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'retention.ms must be -1' });
  });

  it('accepts broker configs for the cluster default and for registered brokers', () => {
    const { records, results } = incrementalAlterConfigs(
      image,
      {
        resources: [
          { resourceType: 'BROKER', resourceName: '', configs: [{ name: 'log.retention.ms', op: 'SET', value: '1' }] },
          { resourceType: 'BROKER', resourceName: '2', configs: [{ name: 'log.retention.ms', op: 'SET', value: '2' }] },
        ],
      },
      ctx,
    );
    expect(results.map((r) => r.errorCode)).toEqual([0, 0]);
    const after = commit(image, records);
    expect(configsOf(after, { resourceType: 'BROKER', resourceName: '2' }).get('log.retention.ms')).toBe('2');
  });

  const errors: [string, AlterConfigsResource, number, string][] = [
    ['an unknown topic', topic([{ name: 'a', op: 'SET', value: '1' }], 'nope'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'nope' does not exist."],
    ['an unregistered broker', { resourceType: 'BROKER', resourceName: '7', configs: [] }, ErrorCode.BROKER_ID_NOT_REGISTERED, 'No node with id 7 found.'],
    ['a broker name that is not an id', { resourceType: 'BROKER', resourceName: 'b1', configs: [] }, ErrorCode.INVALID_REQUEST, 'Invalid broker name b1'],
    ['a config key given twice', topic([{ name: 'a', op: 'SET', value: '1' }, { name: 'a', op: 'DELETE', value: null }]), ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'],
    ['SET without a value', topic([{ name: 'a', op: 'SET', value: null }]), ErrorCode.INVALID_REQUEST, 'Null value not supported for SET of config a.'],
    ['an unknown operation', topic([{ name: 'a', op: 'MERGE' as 'SET', value: '1' }]), ErrorCode.INVALID_REQUEST, 'Unknown config operation MERGE.'],
    ['an empty config name', topic([{ name: '', op: 'SET', value: '1' }]), ErrorCode.INVALID_CONFIG, 'Config names must be non-empty strings.'],
  ];
  it.each(errors)('refuses %s', (_name, resource, errorCode, errorMessage) => {
    const { records, results } = incrementalAlterConfigs(image, { resources: [resource] }, ctx);
    expect(records).toEqual([]);
    expect(results[0]).toMatchObject({ errorCode, errorMessage });
  });

  it('INVALID_REQUEST for a resource named twice; other resources still succeed; validateOnly writes nothing', () => {
    const twice = topic([{ name: 'a', op: 'SET', value: '1' }]);
    const other = { resourceType: 'BROKER' as const, resourceName: '', configs: [{ name: 'b', op: 'SET' as const, value: '2' }] };
    const { records, results } = incrementalAlterConfigs(image, { resources: [twice, other, twice] }, ctx);
    expect(results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, 0, ErrorCode.INVALID_REQUEST]);
    expect(records).toHaveLength(1);
    const dry = incrementalAlterConfigs(image, { resources: [other], validateOnly: true }, ctx);
    expect([dry.records, dry.results[0].errorCode]).toEqual([[], 0]);
  });
});
