export * from './generated';
export type { AnyMethodDescriptor, MethodDescriptor, RequestOf, ResponseOf, ServiceDescriptor } from './runtime';
export { ProtoDecodeError, ProtoEncodeError } from './runtime';
export { LIST_OFFSETS_EARLIEST_TIMESTAMP, LIST_OFFSETS_LATEST_TIMESTAMP, LIST_OFFSETS_MAX_TIMESTAMP } from './constants';
