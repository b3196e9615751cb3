export type { IncomingBatch, ProducerBatch, ProducerEntry, SequenceCheck } from './core/producer-state';
export { NUM_BATCHES_TO_RETAIN, ProducerStateTable, lastSequenceOf } from './core/producer-state';
export type { DelayedOperation } from './core/purgatory';
export { Purgatory } from './core/purgatory';
