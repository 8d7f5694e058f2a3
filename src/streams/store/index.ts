// The store package's public surface: the TTL table, its codecs and its errors.
export { TtlTable, MAX_TTL_MS, jsonCodec } from './ttl-table.ts';
export type { Clock, StoreChange, TtlTableOptions, ValueCodec } from './ttl-table.ts';
export { StoreError, STORE_ERROR_CODES } from './errors.ts';
export type { StoreErrorCode } from './errors.ts';
