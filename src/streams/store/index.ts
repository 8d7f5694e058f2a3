// The store package's public surface: the TTL table, its codecs and its errors.
export { TtlTable, MAX_TTL_MS } from './ttl-table.ts';
export type { TtlTableOptions } from './ttl-table.ts';
export { jsonValueCodec } from './json-codec.ts';
export { StoreError, STORE_ERROR_CODES } from './errors.ts';
export type { StoreErrorCode } from './errors.ts';
