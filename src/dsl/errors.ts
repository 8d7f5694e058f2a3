// Every error the DSL, the task executor and the embedded runtime raise, in one place, each with a
// stable string code (tests, logs and dead-letter headers carry the code, never the message).
//
// Two families, kept apart on purpose:
// - TopologyException: a mistake in the topology definition. Thrown while building, never at run time.
// - RecordError: one record could not be processed (bad bytes, a failing step, retries exhausted).
//   It is routed to a dead-letter sink with its code and reason; it never escapes the runtime.
// TaskError covers misuse of the executor by a runtime and infrastructure failures (a producer
// that does not acknowledge): those do escape, because the runtime must restart from its commits.

export const TOPOLOGY_ERROR_CODES = [
  'TOPOLOGY_MISSING_NAME',
  'TOPOLOGY_INVALID_NAME',
  'TOPOLOGY_DUPLICATE_NAME',
  'TOPOLOGY_DUPLICATE_TOPIC',
  'TOPOLOGY_INVALID_OPTION',
  'TOPOLOGY_UNKNOWN_STORE',
  'TOPOLOGY_FOREIGN_NODE',
  'TOPOLOGY_NO_SOURCES',
  'TOPOLOGY_EMPTY_SPLIT',
] as const;

export const RECORD_ERROR_CODES = [
  'RECORD_DECODE_FAILED',
  'RECORD_ENCODE_FAILED',
  'RECORD_PROCESSING_FAILED',
  'RECORD_ASYNC_TIMEOUT',
  'RECORD_ASYNC_FAILED',
  'RECORD_RETRIES_EXHAUSTED',
] as const;

export const TASK_ERROR_CODES = [
  'TASK_CLOSED',
  'TASK_FAILED',
  'TASK_UNKNOWN_TOPIC',
  'TASK_OFFSET_OUT_OF_ORDER',
  'TASK_MISSING_STORE',
  'TASK_STORE_NOT_DECLARED',
  'TASK_OUTPUT_FAILED',
  'LOG_UNKNOWN_TOPIC',
  'LOG_INVALID_PARTITION',
  'LOG_INVALID_RECORD',
] as const;

export type TopologyErrorCode = (typeof TOPOLOGY_ERROR_CODES)[number];
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];
export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];
export type StreamsErrorCode = TopologyErrorCode | RecordErrorCode | TaskErrorCode;

/** Base of every error here: a stable `code`, a message for people, an optional `cause`. */
export class StreamsError extends Error {
  readonly code: StreamsErrorCode;

  constructor(code: StreamsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamsError';
    this.code = code;
  }
}

/** A topology definition mistake (missing or duplicate name, bad option). Thrown at build time. */
export class TopologyException extends StreamsError {
  declare readonly code: TopologyErrorCode;

  constructor(code: TopologyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TopologyException';
  }
}

/** One record failed; `node` names the step. Routed to a dead-letter sink, never thrown out. */
export class RecordError extends StreamsError {
  declare readonly code: RecordErrorCode;
  readonly node: string;

  constructor(code: RecordErrorCode, node: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecordError';
    this.node = node;
  }
}

/** The executor or the embedded log was misused, or its output port failed. */
export class TaskError extends StreamsError {
  declare readonly code: TaskErrorCode;

  constructor(code: TaskErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TaskError';
  }
}

/** The message of anything thrown, for reasons and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
