// Every way a message can break the Sources contract, as stable codes in one place. Each error
// carries the HTTP status the ingress answers with, so a route never has to guess.

import { CodedError } from '../streams/coded-error.ts';

/** Stable codes; tests and logs match on these, never on message text. */
export const CONTRACT_ERROR_CODES = [
  'IDENTITY_MISSING',
  'IDENTITY_NOT_BASE64',
  'IDENTITY_NOT_JSON',
  'IDENTITY_NO_OBJECT',
  'IDENTITY_BAD_FIELD',
  'IDENTITY_NO_TENANT',
  'IDENTITY_HEADER_MISMATCH',
  'IDENTITY_BAD_HEADER',
  'STATUS_MESSAGE_INVALID',
  'CHECK_REQUEST_INVALID',
] as const;

export type ContractErrorCode = (typeof CONTRACT_ERROR_CODES)[number];

/** HTTP status for each code: 401 when no identity was sent, 400 when what was sent is unusable. */
const STATUS_BY_CODE: Record<ContractErrorCode, number> = {
  IDENTITY_MISSING: 401,
  IDENTITY_NOT_BASE64: 400,
  IDENTITY_NOT_JSON: 400,
  IDENTITY_NO_OBJECT: 400,
  IDENTITY_BAD_FIELD: 400,
  IDENTITY_NO_TENANT: 400,
  IDENTITY_HEADER_MISMATCH: 400,
  IDENTITY_BAD_HEADER: 400,
  // Our own encoder refusing to emit a message Sources would drop: a bug on our side.
  STATUS_MESSAGE_INVALID: 500,
  CHECK_REQUEST_INVALID: 400,
};

/**
 * A violation of the Sources contract (see the README). `status` is the HTTP status to answer with.
 * @example
 *   try { decodeIdentityHeader(h) } catch (e) { if (e instanceof ContractError) res.status(e.status) }
 */
export class ContractError extends CodedError<ContractErrorCode> {
  readonly status: number;

  constructor(code: ContractErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = STATUS_BY_CODE[code];
  }
}
