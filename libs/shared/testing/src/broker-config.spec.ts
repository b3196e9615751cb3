import { resolveTopicConfig } from '@tributary/config';
import { singleNodeArgs, testBrokerConfig } from './broker-config';

describe('testBrokerConfig', () => {
  it('is a valid single-node config with overrides applied', () => {
    const config = testBrokerConfig({ 'log.dirs': '/tmp/x', 'log.segment.bytes': '1024' });
    expect(config.processRoles).toEqual(['broker', 'controller']);
    expect(config.logDirs).toEqual(['/tmp/x']);
    expect(resolveTopicConfig(config).segmentBytes).toBe(1024);
  });

  it('renders --override arguments for a spawned node', () => {
    expect(singleNodeArgs({ 'node.id': '7' })).toContain('node.id=7');
    expect(singleNodeArgs().filter((a) => a === '--override')).toHaveLength(7);
  });
});
