// The errors of the DSL, each with a stable string code (tests, logs and dead-letter headers carry
// the code, never the message). The task's and the embedded log's own errors live next to them
// (task/errors.ts, embedded/errors.ts) and share the StreamsError base.
//
// Two families, kept apart on purpose:
// - TopologyException: a mistake in the topology definition. Thrown while building, never at run time.
// - RecordError: one record could not be processed (bad bytes, a failing step, retries exhausted).
//   It is routed to a dead-letter sink with its code and reason; it never escapes the runtime.
import { CodedError } from '../coded-error.ts';

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

export type TopologyErrorCode = (typeof TOPOLOGY_ERROR_CODES)[number];
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];

/** Base of the DSL's, the task's and the embedded log's errors: a stable `code`, a message for people, an optional `cause`. */
export class StreamsError<C extends string = string> extends CodedError<C> {}

/** A topology definition mistake (missing or duplicate name, bad option). Thrown at build time. */
export class TopologyException extends StreamsError<TopologyErrorCode> {
  constructor(code: TopologyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** One record failed; `node` names the step. Routed to a dead-letter sink, never thrown out. */
export class RecordError extends StreamsError<RecordErrorCode> {
  readonly node: string;

  constructor(code: RecordErrorCode, node: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.node = node;
  }
}

/** The message of anything thrown, for reasons and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
