// The task executor's public surface: what a runtime (embedded or Kafka) needs.
export { TopologyTask } from './topology-task.ts';
export { TASK_ERROR_CODES, TaskError, type TaskErrorCode } from './errors.ts';
export { DEAD_LETTER_HEADERS, deadLetterRecord } from './dead-letter.ts';
export type {
  ChangelogPort, ChangelogRecord, CommittableOffset, DeliveryReceipt, InputRecord, OutputRecord, PartitionLoad, ProducerPort,
  TaskMetrics, TaskOptions,
} from './contract.ts';
export { TopologyObserver, type NodeCounts, type OutputEvent, type OutputListener } from './topology-observer.ts';
