// Errors raised by the TTL table and its codecs: one class, a stable code per failure kind, so
// callers (and tests) branch on `code` rather than on message text.

import { CodedError } from '../coded-error.ts';

export const STORE_ERROR_CODES = [
  'STORE_INVALID_OPTIONS', // a TtlTable option is missing or out of range
  'STORE_INVALID_KEY', // a key that is not a string
  'STORE_INVALID_CHANGE', // a changelog record with the wrong shape
  'STORE_BAD_CLOCK', // the injected clock returned something that is not a finite number
  'STORE_VALUE_TOO_LARGE', // an encoded value larger than the value arena accepts
  'STORE_CODEC_ENCODE', // a value the codec cannot encode
  'STORE_CODEC_DECODE', // bytes the codec cannot decode (truncated, unknown version, bad index)
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends CodedError<StoreErrorCode> {}
