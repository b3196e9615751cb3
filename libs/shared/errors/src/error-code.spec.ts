import { ErrorCode, allErrorCodes, errorCodeInfo, isKnownErrorCode } from './error-code';
import { TributaryError, toTributaryError } from './tributary-error';

describe('ErrorCode', () => {
  it("keeps Kafka's numbers and retriable flags", () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1);
    expect(ErrorCode.CORRUPT_MESSAGE).toBe(2);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.MESSAGE_TOO_LARGE).toBe(10);
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45);
    expect(ErrorCode.INVALID_PRODUCER_EPOCH).toBe(47);
    expect(ErrorCode.KAFKA_STORAGE_ERROR).toBe(56);
    expect(ErrorCode.INVALID_RECORD).toBe(87);
    expect(errorCodeInfo(6).retriable).toBe(true);
    expect(errorCodeInfo(10).retriable).toBe(false);
    expect(errorCodeInfo(56).retriable).toBe(true);
  });

  it('has unique numbers', () => {
    const numbers = allErrorCodes().map((c) => c.code);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('maps unknown numbers to UNKNOWN_SERVER_ERROR', () => {
    expect(isKnownErrorCode(9999)).toBe(false);
    expect(errorCodeInfo(9999).name).toBe('UNKNOWN_SERVER_ERROR');
  });
});

describe('TributaryError', () => {
  it('carries code, retriable flag, message and cause', () => {
    const cause = new Error('disk');
    const error = new TributaryError('KAFKA_STORAGE_ERROR', 'log dir /x failed', { cause });
    expect(error.code).toBe(56);
    expect(error.codeName).toBe('KAFKA_STORAGE_ERROR');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('KAFKA_STORAGE_ERROR: log dir /x failed');
  });

  it('accepts numeric codes and a retriable override', () => {
    const error = new TributaryError(2, undefined, { retriable: false });
    expect(error.codeName).toBe('CORRUPT_MESSAGE');
    expect(error.retriable).toBe(false);
    expect(error.message).toMatch(/CRC/);
  });

  it('wraps foreign errors but keeps typed ones', () => {
    const typed = new TributaryError('INVALID_CONFIG');
    expect(toTributaryError(typed)).toBe(typed);
    const wrapped = toTributaryError(new TypeError('boom'));
    expect(wrapped.codeName).toBe('UNKNOWN_SERVER_ERROR');
    expect(wrapped.message).toBe('boom');
  });
});
