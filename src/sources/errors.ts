// Typed errors of the Sources client, each with a stable code. `transient` says whether asking
// again later may succeed (the request should then be kept for a retry, never answered).
import { CodedError } from '../streams/coded-error.ts';

export const SOURCES_ERROR_CODES = ['SOURCES_UNAUTHORIZED', 'SOURCES_UNAVAILABLE', 'SOURCES_BAD_RESPONSE', 'SOURCES_INVALID_SOURCE_ID'] as const;
export type SourcesErrorCode = (typeof SOURCES_ERROR_CODES)[number];

export class SourcesError extends CodedError<SourcesErrorCode> {
  constructor(
    code: SourcesErrorCode,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** 401/403: Sources refused the identity we forwarded. Retrying the same identity will not help. */
export class SourcesUnauthorizedError extends SourcesError {
  constructor(readonly status: number, detail: string) {
    super('SOURCES_UNAUTHORIZED', `Sources refused the identity (HTTP ${status}): ${detail}`, false);
  }
}

/** 5xx, 429, timeouts or network failures, still failing after the client's retries. */
export class SourcesUnavailableError extends SourcesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCES_UNAVAILABLE', message, true, options);
  }
}

/** A reply we cannot read (unexpected status, not JSON, wrong shape). */
export class SourcesBadResponseError extends SourcesError {
  constructor(message: string) {
    super('SOURCES_BAD_RESPONSE', message, true);
  }
}

/** The source id is not a string of digits; Sources could never answer it. */
export class InvalidSourceIdError extends SourcesError {
  constructor(sourceId: string) {
    super('SOURCES_INVALID_SOURCE_ID', `invalid source id ${JSON.stringify(sourceId)}: expected a string of digits`, false);
  }
}
