// The embedded log's errors: an unknown topic, a partition that does not exist, a record of the
// wrong shape.
import { StreamsError } from '../dsl/errors.ts';

export const LOG_ERROR_CODES = [
  'LOG_UNKNOWN_TOPIC',
  'LOG_INVALID_PARTITION',
  'LOG_INVALID_RECORD',
] as const;

export type LogErrorCode = (typeof LOG_ERROR_CODES)[number];

/** The in-process log was asked for something it does not have, or given a malformed record. */
export class LogError extends StreamsError<LogErrorCode> {
}
