import { ApiVersionsHandler } from '../handlers/api-versions-handler';
import type { BrokerHandlers } from '../handlers/broker-service';
import { ConfigsHandler } from '../handlers/configs-handler';
import { DeleteRecordsHandler } from '../handlers/delete-records-handler';
import { FetchHandler } from '../handlers/fetch-handler';
import { InitProducerIdHandler } from '../handlers/init-producer-id-handler';
import { ListOffsetsHandler } from '../handlers/list-offsets-handler';
import { MetadataHandler } from '../handlers/metadata-handler';
import { ProduceHandler } from '../handlers/produce-handler';
import { TopicsHandler } from '../handlers/topics-handler';
import type { BrokerRuntime } from './broker-runtime';

/** Builds every handler over an opened runtime. */
export function createBrokerHandlers(runtime: BrokerRuntime): BrokerHandlers {
  const { controller, replicaManager, autoTopicCreator } = runtime;
  const { config, clusterId, newTopicId, prng } = runtime.options;
  return {
    apiVersions: new ApiVersionsHandler(controller),
    metadata: new MetadataHandler(controller, autoTopicCreator, clusterId),
    produce: new ProduceHandler(replicaManager, controller, autoTopicCreator, runtime.produceLimiter),
    fetch: new FetchHandler(replicaManager, config.settings.fetchMaxBytes),
    listOffsets: new ListOffsetsHandler(replicaManager),
    topics: new TopicsHandler(controller, config, newTopicId, prng),
    configs: new ConfigsHandler(controller, config),
    deleteRecords: new DeleteRecordsHandler(replicaManager),
    initProducerId: new InitProducerIdHandler(runtime.producerIds),
  };
}
