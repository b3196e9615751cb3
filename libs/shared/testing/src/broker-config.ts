import { type BrokerConfig, parseBrokerConfig } from '@tributary/config';

/** The least a valid combined (broker + controller) node needs, on loopback with ephemeral ports. */
export const SINGLE_NODE_TEST_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({
  'node.id': '1',
  'process.roles': 'broker,controller',
  'controller.quorum.voters': '1@127.0.0.1:0',
  listeners: 'GRPC://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
});

/** `--override key=value` arguments for SINGLE_NODE_TEST_PROPERTIES plus `overrides` (e.g. `log.dirs`). */
export function singleNodeArgs(overrides: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries({ ...SINGLE_NODE_TEST_PROPERTIES, ...overrides }).flatMap(([key, value]) => ['--override', `${key}=${value}`]);
}

/** A valid single-node BrokerConfig for in-process tests, with `overrides` applied. */
export function testBrokerConfig(overrides: Readonly<Record<string, string>> = {}): BrokerConfig {
  return parseBrokerConfig({ argv: singleNodeArgs(overrides) });
}
