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
