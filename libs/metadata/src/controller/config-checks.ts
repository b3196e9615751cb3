import { isEncodableString } from '../codec/byte-writer';
import { MAX_STRING_BYTES } from '../codec/limits';
import type { ConfigResource } from '../image/cluster-image';
import { makeRecord, type ConfigRecord } from '../records/metadata-record';
import { type ApiError, apiError, type ConfigValidator } from './controller-result';

/** INVALID_CONFIG when a config name or value cannot be stored (empty name, over MAX_STRING_BYTES, not UTF-8). */
export function configEncodingError(name: string, value: string | null): ApiError | null {
  if (typeof name !== 'string' || name.length === 0) return apiError('INVALID_CONFIG', 'Config names must be non-empty strings.');
  if (!isEncodableString(name)) return apiError('INVALID_CONFIG', `Config name ${name.slice(0, 64)}… is longer than ${MAX_STRING_BYTES} bytes or not valid UTF-8.`);
  if (value !== null && (typeof value !== 'string' || !isEncodableString(value))) {
    return apiError('INVALID_CONFIG', `The value of config ${name} is longer than ${MAX_STRING_BYTES} bytes or not valid UTF-8.`);
  }
  return null;
}

/** Runs the injected validator and turns its answer into an ApiError. */
export function validatorError(validate: ConfigValidator, configs: Record<string, string>, resource: ConfigResource): ApiError | null {
  const failure = validate(configs, { resourceType: resource.resourceType, resourceName: resource.resourceName });
  return failure === null ? null : { errorCode: failure.errorCode, errorMessage: failure.message };
}

/** ConfigRecords that turn `before` into `after` for one resource, sorted by name. */
export function configRecords(resource: ConfigResource, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ConfigRecord[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const records: ConfigRecord[] = [];
  for (const name of [...names].sort()) {
    const value = after.get(name) ?? null;
    if ((before.get(name) ?? null) !== value) {
      records.push(makeRecord('ConfigRecord', { resourceType: resource.resourceType, resourceName: resource.resourceName, name, value }));
    }
  }
  return records;
}

/** Object with a null prototype, so a config named `__proto__` is just a key. */
export function configObject(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}
