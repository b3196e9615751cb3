import { type ClusterImage, configsOf } from '@tributary/metadata';
import type { BrokerDynamicConfigs } from '../config/broker-config-model';

/** The dynamic broker configs of `nodeId` in the image: cluster-wide defaults and its own. */
export function brokerDynamicConfigs(image: ClusterImage, nodeId: number): BrokerDynamicConfigs {
  return {
    clusterDefault: configsOf(image, { resourceType: 'BROKER', resourceName: '' }),
    perBroker: configsOf(image, { resourceType: 'BROKER', resourceName: String(nodeId) }),
  };
}
