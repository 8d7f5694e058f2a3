// The TTL table's contract types (re-exported by ttl-table.ts, which is what callers import).

/** Milliseconds since the epoch. Injected so tests and the embedded runtime control time. */
export type Clock = () => number;

/**
 * Turns a table value into the bytes kept in memory and written to the changelog, and back.
 * `decode` must not keep a reference to `bytes`: the table lends it a reused scratch buffer.
 */
export interface ValueCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

export interface TtlTableOptions<V> {
  /** the store name; the changelog topic name derives from it */
  name: string;
  /** how long an entry lives after it was written, in whole milliseconds (1 ms .. 2^31 ms ≈ 24.8 days) */
  ttlMs: number;
  clock: Clock;
  codec: ValueCodec<V>;
}

/** One changelog record. `value: null` is a tombstone (the key is gone). */
export interface StoreChange {
  key: string;
  value: Uint8Array | null;
  /** when the record was written, ms since the epoch; restore() expires it at timestamp + ttlMs */
  timestamp: number;
}
