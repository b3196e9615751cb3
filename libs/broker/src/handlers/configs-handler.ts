import { ErrorCode } from '@tributary/errors';
import { type AlterConfigOp as AlterOpName, type ConfigResource, configsOf, incrementalAlterConfigs } from '@tributary/metadata';
import {
  AlterConfigOp,
  ConfigSource,
  ConfigType,
  type DescribeConfigsEntry,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '@tributary/proto';
import type { BrokerConfigModel, ConfigSourceName, ConfigTypeName, DescribedConfig } from '../config/broker-config-model';
import { brokerDynamicConfigs } from '../metadata/broker-dynamic-configs';
import type { LocalController } from '../metadata/local-controller';
import { resourceTypeName } from './wire';

const SOURCES: Record<ConfigSourceName, ConfigSource> = {
  DYNAMIC_TOPIC_CONFIG: ConfigSource.DYNAMIC_TOPIC_CONFIG,
  DYNAMIC_BROKER_CONFIG: ConfigSource.DYNAMIC_BROKER_CONFIG,
  DYNAMIC_DEFAULT_BROKER_CONFIG: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  STATIC_BROKER_CONFIG: ConfigSource.STATIC_BROKER_CONFIG,
  DEFAULT_CONFIG: ConfigSource.DEFAULT_CONFIG,
};

const TYPES: Record<ConfigTypeName, ConfigType> = {
  boolean: ConfigType.BOOLEAN,
  string: ConfigType.STRING,
  int: ConfigType.INT,
  short: ConfigType.SHORT,
  long: ConfigType.LONG,
  double: ConfigType.DOUBLE,
  list: ConfigType.LIST,
  class: ConfigType.CLASS,
  password: ConfigType.PASSWORD,
};

const OPS: Record<number, AlterOpName> = {
  [AlterConfigOp.SET]: 'SET',
  [AlterConfigOp.DELETE]: 'DELETE',
  [AlterConfigOp.APPEND]: 'APPEND',
  [AlterConfigOp.SUBTRACT]: 'SUBTRACT',
};

/** The wire enum of a config source. */
export function configSourceOf(source: ConfigSourceName): ConfigSource {
  return SOURCES[source];
}

/**
 * DescribeConfigs and IncrementalAlterConfigs for topics and brokers. Values
 * and sources come from the config model over the image's dynamic configs;
 * alterations are validated by the metadata lib (with the config lib's
 * validator) and committed as ConfigRecords, after which the replica manager
 * applies them to the logs at once (e.g. retention.ms).
 */
export class ConfigsHandler {
  constructor(
    private readonly controller: LocalController,
    private readonly config: BrokerConfigModel,
  ) {}

  describeConfigs(request: DescribeConfigsRequest): DescribeConfigsResponse {
    return { throttleTimeMs: 0, results: request.resources.map((r) => this.describeOne(r, request.includeSynonyms, request.includeDocumentation)) };
  }

  private describeOne(resource: DescribeConfigsRequest['resources'][number], synonyms: boolean, documentation: boolean): DescribeConfigsResult {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
    const type = resourceTypeName(resource.resourceType);
    const image = this.controller.image;
    let entries: DescribedConfig[];
    if (type === 'TOPIC') {
      if (!image.topicsByName.has(resource.resourceName)) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic ${resource.resourceName}` };
      entries = this.config.describeTopic(configsOf(image, { resourceType: 'TOPIC', resourceName: resource.resourceName }), brokerDynamicConfigs(image, this.config.settings.nodeId));
    } else if (type === 'BROKER') {
      const nodeId = String(this.config.settings.nodeId);
      if (resource.resourceName !== '' && resource.resourceName !== nodeId) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `this broker is ${nodeId}; describe broker ${resource.resourceName} on that broker` };
      }
      entries = this.config.describeBroker(brokerDynamicConfigs(image, this.config.settings.nodeId));
    } else {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unsupported resource type ${resource.resourceType}` };
    }
    const keys = new Set(resource.configurationKeys);
    const selected = keys.size === 0 ? entries : entries.filter((e) => keys.has(e.name));
    return { ...base, errorCode: 0, errorMessage: '', configs: selected.map((e) => toEntry(e, synonyms, documentation)) };
  }

  async incrementalAlterConfigs(request: IncrementalAlterConfigsRequest): Promise<IncrementalAlterConfigsResponse> {
    const invalid = new Map<number, { code: number; message: string }>();
    const resources = request.resources.flatMap((r, i) => {
      const type = resourceTypeName(r.resourceType);
      const op = r.configs.find((c) => OPS[c.configOperation] === undefined);
      if (!type) invalid.set(i, { code: ErrorCode.INVALID_REQUEST, message: `unsupported resource type ${r.resourceType}` });
      else if (op) invalid.set(i, { code: ErrorCode.INVALID_REQUEST, message: `unknown config operation ${op.configOperation} for ${op.name}` });
      if (!type || op) return [];
      const resource: ConfigResource = { resourceType: type, resourceName: r.resourceName };
      return [{ ...resource, configs: r.configs.map((c) => ({ name: c.name, op: OPS[c.configOperation], value: c.value ?? null })) }];
    });
    const results = await this.controller.run((image) =>
      incrementalAlterConfigs(image, { resources, validateOnly: request.validateOnly }, { validateConfigs: this.config.validateConfigs, configSchema: this.config.configSchema }),
    );
    let next = 0;
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r, i) => {
        const bad = invalid.get(i);
        if (bad) return { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: bad.code, errorMessage: bad.message };
        const result = results[next++];
        return { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: result.errorCode, errorMessage: result.errorMessage ?? '' };
      }),
    };
  }
}

function toEntry(e: DescribedConfig, synonyms: boolean, documentation: boolean): DescribeConfigsEntry {
  return {
    name: e.name,
    ...(e.value === null ? {} : { value: e.value }),
    readOnly: e.readOnly,
    configSource: SOURCES[e.source],
    isSensitive: e.sensitive,
    synonyms: synonyms ? e.synonyms.map((s) => ({ name: s.name, ...(s.value === null ? {} : { value: s.value }), source: SOURCES[s.source] })) : [],
    configType: TYPES[e.type],
    ...(documentation ? { documentation: e.documentation } : {}),
  };
}
