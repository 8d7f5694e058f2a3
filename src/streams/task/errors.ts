// The task executor's errors: a runtime misused it, or its output port failed. Those do escape
// (unlike a RecordError), because the runtime must restart from its commits.
import { StreamsError } from '../dsl/errors.ts';

export const TASK_ERROR_CODES = [
  'TASK_CLOSED',
  'TASK_FAILED',
  'TASK_UNKNOWN_TOPIC',
  'TASK_OFFSET_OUT_OF_ORDER',
  'TASK_MISSING_STORE',
  'TASK_STORE_NOT_DECLARED',
  'TASK_OUTPUT_FAILED',
] as const;

export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

/** The executor was misused by a runtime, or its output port failed. */
export class TaskError extends StreamsError<TaskErrorCode> {
}
