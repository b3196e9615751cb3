export type { ErrorCodeInfo, ErrorCodeName, ErrorCodeNumber } from './error-code';
export { ErrorCode, allErrorCodes, errorCodeInfo, isKnownErrorCode } from './error-code';
export { TributaryError, isTributaryError, toTributaryError } from './tributary-error';
