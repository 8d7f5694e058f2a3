// Errors of the Kafka runtime, each with a stable code (logs and health reports carry the code).
// Per-record failures never show up here: the task routes them to dead-letter sinks.

import { CodedError } from '../coded-error.ts';

export const KAFKA_RUNTIME_ERROR_CODES = [
  'KAFKA_INVALID_OPTION',
  'KAFKA_PARTITION_MISMATCH',
  'KAFKA_CONNECT_FAILED',
  'KAFKA_RESTORE_FAILED',
  'KAFKA_NOT_RUNNING',
  'KAFKA_TASK_FAILED',
] as const;

export type KafkaRuntimeErrorCode = (typeof KAFKA_RUNTIME_ERROR_CODES)[number];

export class KafkaRuntimeError extends CodedError<KafkaRuntimeErrorCode> {}
