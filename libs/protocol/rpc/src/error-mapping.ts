import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type ErrorCodeName, ErrorCode, TributaryError } from '@tributary/errors';

/** Trailer carrying the Kafka error code of a failed request, so clients rebuild the same TributaryError. */
export const ERROR_CODE_METADATA_KEY = 'tributary-error-code';
/** Trailer carrying the error's retriable flag (`1`/`0`), which a TributaryError may override. */
export const ERROR_RETRIABLE_METADATA_KEY = 'tributary-error-retriable';

/**
 * The gRPC status for a request-level failure, for callers that only look at
 * the status (other languages, grpcurl). Codes not listed fall back on their
 * retriable flag: UNAVAILABLE (try again, maybe elsewhere) or FAILED_PRECONDITION.
 */
const STATUS_BY_ERROR: Partial<Record<ErrorCodeName, status>> = {
  UNKNOWN_SERVER_ERROR: status.INTERNAL,
  REQUEST_TIMED_OUT: status.DEADLINE_EXCEEDED,
  INVALID_REQUEST: status.INVALID_ARGUMENT,
  CORRUPT_MESSAGE: status.INVALID_ARGUMENT,
  INVALID_RECORD: status.INVALID_ARGUMENT,
  INVALID_TOPIC_EXCEPTION: status.INVALID_ARGUMENT,
  INVALID_PARTITIONS: status.INVALID_ARGUMENT,
  INVALID_REPLICATION_FACTOR: status.INVALID_ARGUMENT,
  INVALID_REPLICA_ASSIGNMENT: status.INVALID_ARGUMENT,
  INVALID_CONFIG: status.INVALID_ARGUMENT,
  INVALID_REQUIRED_ACKS: status.INVALID_ARGUMENT,
  INVALID_FETCH_SIZE: status.INVALID_ARGUMENT,
  INVALID_TIMESTAMP: status.INVALID_ARGUMENT,
  INVALID_TRANSACTION_TIMEOUT: status.INVALID_ARGUMENT,
  POLICY_VIOLATION: status.INVALID_ARGUMENT,
  UNSUPPORTED_VERSION: status.UNIMPLEMENTED,
  NOT_CONTROLLER: status.UNAVAILABLE,
  NOT_COORDINATOR: status.UNAVAILABLE,
  NOT_LEADER_OR_FOLLOWER: status.UNAVAILABLE,
  LEADER_NOT_AVAILABLE: status.UNAVAILABLE,
  BROKER_NOT_AVAILABLE: status.UNAVAILABLE,
  NETWORK_EXCEPTION: status.UNAVAILABLE,
  UNKNOWN_TOPIC_OR_PARTITION: status.NOT_FOUND,
  UNKNOWN_TOPIC_ID: status.NOT_FOUND,
  RESOURCE_NOT_FOUND: status.NOT_FOUND,
  GROUP_ID_NOT_FOUND: status.NOT_FOUND,
  TRANSACTIONAL_ID_NOT_FOUND: status.NOT_FOUND,
  TOPIC_ALREADY_EXISTS: status.ALREADY_EXISTS,
  DUPLICATE_RESOURCE: status.ALREADY_EXISTS,
  DUPLICATE_BROKER_REGISTRATION: status.ALREADY_EXISTS,
  TOPIC_AUTHORIZATION_FAILED: status.PERMISSION_DENIED,
  GROUP_AUTHORIZATION_FAILED: status.PERMISSION_DENIED,
  CLUSTER_AUTHORIZATION_FAILED: status.PERMISSION_DENIED,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: status.PERMISSION_DENIED,
  MESSAGE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  RECORD_LIST_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  THROTTLING_QUOTA_EXCEEDED: status.RESOURCE_EXHAUSTED,
  CONCURRENT_TRANSACTIONS: status.ABORTED,
  OFFSET_OUT_OF_RANGE: status.OUT_OF_RANGE,
};

/** The gRPC status a TributaryError is sent with. */
export function grpcStatusOf(error: TributaryError): status {
  return STATUS_BY_ERROR[error.codeName] ?? (error.retriable ? status.UNAVAILABLE : status.FAILED_PRECONDITION);
}

/** The status, message and trailers a server sends for a TributaryError. */
export function toServiceError(error: TributaryError): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, String(error.code));
  metadata.set(ERROR_RETRIABLE_METADATA_KEY, error.retriable ? '1' : '0');
  return { code: grpcStatusOf(error), details: error.message, metadata };
}

/**
 * What a status without our trailer means (transport failures and errors
 * grpc-js raises itself, e.g. a message over the size limit).
 */
const ERROR_BY_STATUS: Partial<Record<status, ErrorCodeName>> = {
  [status.UNAVAILABLE]: 'NETWORK_EXCEPTION',
  [status.CANCELLED]: 'NETWORK_EXCEPTION',
  [status.DEADLINE_EXCEEDED]: 'REQUEST_TIMED_OUT',
  [status.RESOURCE_EXHAUSTED]: 'MESSAGE_TOO_LARGE',
  [status.INVALID_ARGUMENT]: 'INVALID_REQUEST',
  [status.UNIMPLEMENTED]: 'UNSUPPORTED_VERSION',
  [status.PERMISSION_DENIED]: 'CLUSTER_AUTHORIZATION_FAILED',
  [status.UNAUTHENTICATED]: 'CLUSTER_AUTHORIZATION_FAILED',
};

/**
 * Rebuilds the TributaryError a server sent (same code, message and retriable
 * flag), or maps a bare status: UNAVAILABLE and other transport failures
 * become a retriable NETWORK_EXCEPTION. The ServiceError is kept as `cause`.
 */
export function fromServiceError(error: ServiceError, method: string): TributaryError {
  const [code] = error.metadata?.get(ERROR_CODE_METADATA_KEY) ?? [];
  if (code !== undefined && /^-?\d+$/.test(String(code))) {
    const [retriable] = error.metadata.get(ERROR_RETRIABLE_METADATA_KEY);
    const options = retriable === undefined ? { cause: error } : { cause: error, retriable: String(retriable) === '1' };
    return new TributaryError(Number(code), error.details, options);
  }
  const name = ERROR_BY_STATUS[error.code as status] ?? 'UNKNOWN_SERVER_ERROR';
  return new TributaryError(ErrorCode[name], `${method}: ${error.details || status[error.code]}`, { cause: error });
}
