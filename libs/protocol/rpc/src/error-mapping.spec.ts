import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { TributaryError, allErrorCodes } from '@tributary/errors';
import { ERROR_CODE_METADATA_KEY, fromServiceError, grpcStatusOf, toServiceError } from './error-mapping';

function serviceError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('grpcStatusOf', () => {
  it('maps the request-level errors named in the design', () => {
    expect(grpcStatusOf(new TributaryError('INVALID_REQUEST'))).toBe(status.INVALID_ARGUMENT);
    expect(grpcStatusOf(new TributaryError('REQUEST_TIMED_OUT'))).toBe(status.DEADLINE_EXCEEDED);
    expect(grpcStatusOf(new TributaryError('NOT_CONTROLLER'))).toBe(status.UNAVAILABLE);
    expect(grpcStatusOf(new TributaryError('UNKNOWN_SERVER_ERROR'))).toBe(status.INTERNAL);
  });

  it('falls back on the retriable flag for unlisted codes', () => {
    expect(grpcStatusOf(new TributaryError('FENCED_LEADER_EPOCH'))).toBe(status.UNAVAILABLE);
    expect(grpcStatusOf(new TributaryError('PRODUCER_FENCED'))).toBe(status.FAILED_PRECONDITION);
  });

  it('never answers OK for an error', () => {
    for (const { code } of allErrorCodes()) expect(grpcStatusOf(new TributaryError(code))).not.toBe(status.OK);
  });
});

describe('toServiceError / fromServiceError', () => {
  it('round-trip every known code with its message and retriable flag', () => {
    for (const { code } of allErrorCodes()) {
      for (const retriable of [true, false]) {
        const sent = toServiceError(new TributaryError(code, `m${code}`, { retriable }));
        const received = fromServiceError(serviceError(sent.code as status, sent.details as string, sent.metadata as Metadata), '/s/M');
        expect(received).toMatchObject({ code, message: `m${code}`, retriable });
      }
    }
  });

  it.each([
    [status.UNAVAILABLE, 'NETWORK_EXCEPTION', true],
    [status.CANCELLED, 'NETWORK_EXCEPTION', true],
    [status.DEADLINE_EXCEEDED, 'REQUEST_TIMED_OUT', true],
    [status.RESOURCE_EXHAUSTED, 'MESSAGE_TOO_LARGE', false],
    [status.INVALID_ARGUMENT, 'INVALID_REQUEST', false],
    [status.UNIMPLEMENTED, 'UNSUPPORTED_VERSION', false],
    [status.INTERNAL, 'UNKNOWN_SERVER_ERROR', false],
    [status.UNKNOWN, 'UNKNOWN_SERVER_ERROR', false],
  ] as const)('maps a bare status %s to %s', (code, name, retriable) => {
    const error = fromServiceError(serviceError(code, 'details'), '/tributary.v1.Broker/Fetch');
    expect(error).toMatchObject({ codeName: name, retriable, message: '/tributary.v1.Broker/Fetch: details' });
  });

  it('ignores a malformed code trailer', () => {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_METADATA_KEY, 'not-a-number');
    expect(fromServiceError(serviceError(status.UNAVAILABLE, 'x', metadata), '/s/M').codeName).toBe('NETWORK_EXCEPTION');
  });
});
