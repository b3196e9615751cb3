import { type ApiVersionsRequest, type ApiVersionsResponse, BrokerService } from '@tributary/proto';
import { metadataVersion } from '@tributary/metadata';
import type { LocalController } from '../metadata/local-controller';

/** The metadata.version levels this broker can run. */
export const SUPPORTED_METADATA_VERSION = { min: 0, max: 1 } as const;

/** ApiVersions: every RPC of the Broker service at version 1, and the supported and finalized features. */
export class ApiVersionsHandler {
  constructor(private readonly controller: LocalController) {}

  handle(_request: ApiVersionsRequest): ApiVersionsResponse {
    const image = this.controller.image;
    const level = metadataVersion(image);
    return {
      errorCode: 0,
      errorMessage: '',
      throttleTimeMs: 0,
      apis: Object.values(BrokerService.methods).map((m) => ({ name: m.path.replace(/^\//, ''), minVersion: 1, maxVersion: 1 })),
      supportedFeatures: [{ name: 'metadata.version', minVersion: SUPPORTED_METADATA_VERSION.min, maxVersion: SUPPORTED_METADATA_VERSION.max }],
      finalizedFeaturesEpoch: level > 0 ? image.metadataOffset : -1,
      finalizedFeatures: level > 0 ? [{ name: 'metadata.version', minVersionLevel: level, maxVersionLevel: level }] : [],
    };
  }
}
