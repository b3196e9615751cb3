import { EXAMPLE_SINGLE_NODE_PROPERTIES, parseBrokerConfig } from '@tributary/config';
import { IMPLICIT_CONTROLLER_LISTENER, singleNodeArgs } from './single-node-args';

describe('singleNodeArgs', () => {
  it('uses the built-in single-node properties without --config and completes a bare client listener', () => {
    const out = singleNodeArgs(['--override', 'listeners=grpc://127.0.0.1:0', '--override=log.dirs=/tmp/x']);
    expect(out.fileText).toBe(EXAMPLE_SINGLE_NODE_PROPERTIES);
    expect(out.argv).toEqual(['--override', `listeners=grpc://127.0.0.1:0,${IMPLICIT_CONTROLLER_LISTENER}`, '--override', 'log.dirs=/tmp/x']);
    const config = parseBrokerConfig({ argv: out.argv, fileText: out.fileText });
    expect(config.get('node.id')).toBe(1);
    expect(config.get('process.roles')).toEqual(['broker', 'controller']);
    expect(config.get('listeners')).toEqual(['grpc://127.0.0.1:0', IMPLICIT_CONTROLLER_LISTENER]);
  });

  it('leaves a config file in charge: no built-in properties, no implicit listener', () => {
    const out = singleNodeArgs(['--config', 'server.properties', '--override', 'listeners=grpc://:9290']);
    expect(out.fileText).toBeUndefined();
    expect(out.argv).toEqual(['--config', 'server.properties', '--override', 'listeners=grpc://:9290']);
  });

  it('keeps an explicit controller listener and other overrides untouched', () => {
    expect(singleNodeArgs(['--override', 'listeners=grpc://:0,controller://:0']).argv).toEqual(['--override', 'listeners=grpc://:0,controller://:0']);
    expect(singleNodeArgs(['--override', 'num.partitions=3', 'stray']).argv).toEqual(['--override', 'num.partitions=3', 'stray']);
  });
});
