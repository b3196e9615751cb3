import type { BrokerService } from '@tributary/proto';
import type { ServiceHandlers } from '@tributary/rpc';
import type { ApiVersionsHandler } from './api-versions-handler';
import type { ConfigsHandler } from './configs-handler';
import type { DeleteRecordsHandler } from './delete-records-handler';
import type { FetchHandler } from './fetch-handler';
import type { InitProducerIdHandler } from './init-producer-id-handler';
import type { ListOffsetsHandler } from './list-offsets-handler';
import type { MetadataHandler } from './metadata-handler';
import type { ProduceHandler } from './produce-handler';
import type { TopicsHandler } from './topics-handler';

/** The handler objects behind the Broker service, one per concern. */
export interface BrokerHandlers {
  readonly apiVersions: ApiVersionsHandler;
  readonly metadata: MetadataHandler;
  readonly produce: ProduceHandler;
  readonly fetch: FetchHandler;
  readonly listOffsets: ListOffsetsHandler;
  readonly topics: TopicsHandler;
  readonly configs: ConfigsHandler;
  readonly deleteRecords: DeleteRecordsHandler;
  readonly initProducerId: InitProducerIdHandler;
}

/** Maps every method of the native `tributary.v1.Broker` service to its handler. */
export function brokerServiceHandlers(h: BrokerHandlers): ServiceHandlers<typeof BrokerService> {
  return {
    apiVersions: (request) => h.apiVersions.handle(request),
    metadata: (request) => h.metadata.handle(request),
    produce: (request) => h.produce.handle(request),
    fetch: (request, call) => h.fetch.handle(request, call.signal),
    listOffsets: (request) => h.listOffsets.handle(request),
    createTopics: (request) => h.topics.createTopics(request),
    deleteTopics: (request) => h.topics.deleteTopics(request),
    createPartitions: (request) => h.topics.createPartitions(request),
    describeConfigs: (request) => h.configs.describeConfigs(request),
    incrementalAlterConfigs: (request) => h.configs.incrementalAlterConfigs(request),
    deleteRecords: (request) => h.deleteRecords.handle(request),
    initProducerId: (request) => h.initProducerId.handle(request),
  };
}
