/**
 * @tributary/plugins-api — the public, versioned plugin SPI (see README.md).
 * Depends on nothing; pure (no I/O, timers, clocks or randomness of its own).
 */
export { PLUGIN_API_VERSION, checkApiCompatibility, parseApiVersion } from './api-version';
export type { ApiCompatibility, ApiVersion } from './api-version';

export type { LogFields, PluginClock, PluginConfig, PluginContext, PluginLogger, PluginPrng } from './context';
export type { MaybePromise, RecordHeader, TopicPartitionRef } from './record';
export type { Partitioner, PartitionerCluster, PartitionerRecord } from './partitioner';
export type {
  CommittedOffset,
  ConsumerInterceptor,
  ConsumerRecord,
  ProducerInterceptor,
  ProducerRecord,
  RecordMetadata,
} from './interceptors';
export type { Assignment, AssignmentInput, Assignor, AssignorMember } from './assignor';
export type {
  CleanupAction,
  CleanupPlan,
  CleanupPolicy,
  CleanupReason,
  CompactAction,
  CompactionRecordView,
  DeleteSegmentsAction,
  PartitionLogView,
  SegmentView,
} from './cleanup-policy';
export { normalizeCleanupPolicyName } from './cleanup-policy-name';

export {
  PLUGIN_KINDS,
  PluginDefinitionError,
  definePlugin,
  isPluginKind,
  validatePluginDefinition,
  validatePluginInstance,
} from './define-plugin';
export type { AnyPluginDefinition, PluginDefinition, PluginInstance, PluginInstanceByKind, PluginKind } from './define-plugin';

export type { ConformanceViolation } from './validation/violation';
export { validateAssignment } from './validation/validate-assignment';
export { activeSegmentIndex, validateCleanupPlan } from './validation/validate-cleanup-plan';
export { describeConsumerRecordsProblem, describeProducerRecordProblem } from './validation/validate-records';

export type { ConformanceOptions } from './conformance/options';
export type { PartitionerConformanceOptions } from './conformance/check-partitioner';
export { checkPartitioner } from './conformance/check-partitioner';
export { checkConsumerInterceptor, checkInterceptor, checkProducerInterceptor } from './conformance/check-interceptor';
export { checkAssignor } from './conformance/check-assignor';
export { checkCleanupPolicy } from './conformance/check-cleanup-policy';
export { checkPlugin } from './conformance/check-plugin';
export { createSeededPrng } from './conformance/seeded-prng';
export { TEST_NOW_MS, createTestContext } from './conformance/test-context';
export type { LogEntry, TestContextOptions, TestPluginContext } from './conformance/test-context';
export { deepClone, deepEqual } from './conformance/deep';
