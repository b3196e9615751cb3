import { type ClusterImage, type ConfigResource, configsOf } from '../image/cluster-image';
import type { ConfigRecord, ConfigResourceType } from '../records/metadata-record';
import { configEncodingError, configObject, configRecords, validatorError } from './config-checks';
import { type ApiError, apiError, type ConfigValidator, type ControllerResult, MAX_RECORDS_PER_USER_OP } from './controller-result';

/** Kafka's IncrementalAlterConfigs operations. APPEND and SUBTRACT apply to list-typed configs only. */
export type AlterConfigOp = 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT';

export interface AlterableConfig {
  readonly name: string;
  readonly op: AlterConfigOp;
  /** Required for SET, APPEND and SUBTRACT (a comma-separated list for the latter two); ignored for DELETE. */
  readonly value: string | null;
}

export interface AlterConfigsResource extends ConfigResource {
  readonly configs: readonly AlterableConfig[];
}

export interface IncrementalAlterConfigsRequest {
  readonly resources: readonly AlterConfigsResource[];
  readonly validateOnly?: boolean;
}

/** What the config library knows about a config name: whether it is a list, and its default. */
export interface ConfigSchema {
  isList(resourceType: ConfigResourceType, name: string): boolean;
  /** The static default, which APPEND/SUBTRACT start from when the config is not set. */
  defaultValue?(resourceType: ConfigResourceType, name: string): string | undefined;
}

export interface IncrementalAlterConfigsContext {
  readonly validateConfigs: ConfigValidator;
  readonly configSchema: ConfigSchema;
}

export interface AlterConfigsResult extends ApiError, ConfigResource {}

const BROKER_ID_NAME = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Validates an IncrementalAlterConfigs request as Kafka's controller does and
 * returns ConfigRecords for the configs whose value actually changes (value
 * null = deleted), one result per resource in request order. Each resource
 * succeeds or fails whole; the validator sees the resource's resulting configs.
 */
export function incrementalAlterConfigs(
  image: ClusterImage,
  request: IncrementalAlterConfigsRequest,
  ctx: IncrementalAlterConfigsContext,
): ControllerResult<AlterConfigsResult[]> {
  const key = (r: ConfigResource): string => `${r.resourceType}\u0000${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of request.resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);

  const records: ConfigRecord[] = [];
  const results = request.resources.map((resource): AlterConfigsResult => {
    const id = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    const outcome = (counts.get(key(resource)) ?? 0) > 1 ? apiError('INVALID_REQUEST', 'Duplicate resource.') : alterResource(image, resource, ctx);
    if (!Array.isArray(outcome)) return { ...id, ...outcome };
    if (records.length + outcome.length > MAX_RECORDS_PER_USER_OP) {
      return { ...id, ...apiError('POLICY_VIOLATION', `The request changes more than ${MAX_RECORDS_PER_USER_OP} configs.`) };
    }
    if (request.validateOnly !== true) records.push(...outcome);
    return { ...id, errorCode: 0, errorMessage: null };
  });
  return { records, results };
}

function alterResource(image: ClusterImage, resource: AlterConfigsResource, ctx: IncrementalAlterConfigsContext): ConfigRecord[] | ApiError {
  const existence = resourceError(image, resource);
  if (existence) return existence;
  const names = new Set(resource.configs.map((c) => c.name));
  if (names.size !== resource.configs.length) return apiError('INVALID_REQUEST', 'Error due to duplicate config keys');

  const before = configsOf(image, resource);
  const after = before.toMap();
  for (const config of resource.configs) {
    const error = applyOp(after, resource.resourceType, config, ctx.configSchema);
    if (error) return error;
  }
  const validation = validatorError(ctx.validateConfigs, configObject(after), resource);
  if (validation) return validation;
  return configRecords(resource, before, after);
}

function resourceError(image: ClusterImage, resource: ConfigResource): ApiError | null {
  const { resourceType, resourceName } = resource;
  if (resourceType === 'TOPIC') {
    return image.topicsByName.has(resourceName) ? null : apiError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resourceName}' does not exist.`);
  }
  if (resourceType !== 'BROKER') return apiError('INVALID_REQUEST', `Unexpected resource type ${String(resourceType)}.`);
  if (resourceName === '') return null;
  if (!BROKER_ID_NAME.test(resourceName) || Number(resourceName) > 0x7fff_ffff) return apiError('INVALID_REQUEST', `Invalid broker name ${resourceName}`);
  return image.brokers.has(Number(resourceName)) ? null : apiError('BROKER_ID_NOT_REGISTERED', `No node with id ${resourceName} found.`);
}

/** Kafka's ConfigurationControlManager.incrementalAlterConfigResource, one operation. */
function applyOp(configs: Map<string, string>, resourceType: ConfigResourceType, config: AlterableConfig, schema: ConfigSchema): ApiError | null {
  const { name, op, value } = config;
  const encodingError = configEncodingError(name, op === 'DELETE' ? null : value);
  if (encodingError) return encodingError;
  if (op === 'DELETE') {
    configs.delete(name);
    return null;
  }
  if (op !== 'SET' && op !== 'APPEND' && op !== 'SUBTRACT') return apiError('INVALID_REQUEST', `Unknown config operation ${String(op)}.`);
  if (value === null || value === undefined) return apiError('INVALID_REQUEST', `Null value not supported for ${op} of config ${name}.`);
  if (op === 'SET') {
    configs.set(name, value);
    return null;
  }
  if (!schema.isList(resourceType, name)) return apiError('INVALID_CONFIG', `Can't ${op} to key ${name} because its type is not LIST.`);
  const parts = splitList(configs.get(name) ?? schema.defaultValue?.(resourceType, name));
  for (const item of splitList(value)) {
    if (op === 'APPEND') {
      if (!parts.includes(item)) parts.push(item);
    } else {
      const at = parts.indexOf(item);
      if (at >= 0) parts.splice(at, 1);
    }
  }
  configs.set(name, parts.join(','));
  return null;
}

/** Kafka's LIST parsing: comma-separated, trimmed; blank is the empty list. */
function splitList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.trim().split(/\s*,\s*/);
}
