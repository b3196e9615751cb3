import { ErrorCode, type ErrorCodeName } from '@tributary/errors';
import type { ConfigResourceType, MetadataRecord } from '../records/metadata-record';

/** A per-item outcome as Kafka's responses carry it: an error code (0 = NONE) and an optional message. */
export interface ApiError {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export const API_OK: ApiError = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null });

export function apiError(name: ErrorCodeName, message: string | null = null): ApiError {
  return { errorCode: ErrorCode[name], errorMessage: message };
}

/**
 * What a controller operation decided: the records to append (as one atomic
 * batch; empty when nothing changes or on validateOnly) and the per-item
 * results to answer with. Nothing is applied until the records are in the log
 * and replayed into the image.
 */
export interface ControllerResult<R> {
  readonly records: readonly MetadataRecord[];
  readonly results: R;
}

/**
 * Validates the configs a topic or broker would end up with. The config
 * library provides it; `null` means valid. (Receives only explicitly set
 * configs, not defaults.)
 */
export type ConfigValidator = (
  configs: Record<string, string>,
  resource: { readonly resourceType: ConfigResourceType; readonly resourceName: string },
) => { readonly errorCode: number; readonly message: string } | null;

/** A validator that accepts everything, for callers with no config schema (tests). */
export const ACCEPT_ALL_CONFIGS: ConfigValidator = () => null;

/**
 * Kafka's QuorumController.MAX_RECORDS_PER_USER_OP: one admin operation writes
 * at most this many records, so its batch stays bounded.
 */
export const MAX_RECORDS_PER_USER_OP = 10_000;
