// Test-only helpers: import from *.spec.ts files and test-support code, never from production code.
export { FakeScheduler, createPrng } from '@tributary/util';
export type { Prng } from '@tributary/util';
export { MAX_ASYNC_STEPS, ManualClock, TestScheduler, flushMicrotasks } from './time';
export { projectOf, resolveSeed, seedReport, seededProperty, withSeed } from './seed';
export type { TempDir } from './temp-dir';
export { createTempDir, useTempDir } from './temp-dir';
export type { LineMatch, ProcessExit, ProcessHandle, SpawnOptions } from './process-harness';
export { DEFAULT_READY_TIMEOUT_MS, MAX_CAPTURED_LINES, MAX_LINE_CHARS, isProcessAlive, spawnProcess } from './process-harness';
export type { ResourceScope, TestResource } from './lifecycle';
export { currentScope, releaseScope, trackResource } from './lifecycle';
export type { ArbitraryHeader, ArbitraryRecord, BytesOptions, RecordOptions, TopicNameOptions } from './arbitraries';
export {
  MAX_TEST_TIMESTAMP_MS,
  MAX_TOPIC_NAME_LENGTH,
  compressionTypeArb,
  headerArb,
  headersArb,
  invalidTopicNameArb,
  isValidTopicName,
  partitionArb,
  recordArb,
  recordKeyArb,
  recordValueArb,
  recordsArb,
  timestampMsArb,
  timestampTypeArb,
  topicNameArb,
  topicPartitionArb,
} from './arbitraries';
export { waitUntil } from './wait';
export { SINGLE_NODE_TEST_PROPERTIES, singleNodeArgs, testBrokerConfig } from './broker-config';
