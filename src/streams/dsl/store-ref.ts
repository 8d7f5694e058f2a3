// Stores as a topology declares them, and the store interface the executor codes against.
// The TTL table in src/streams/store/ttl-table.ts implements KeyValueStore; the executor never
// constructs a store itself: the runtime creates (and restores) them and hands them over.

/**
 * Turns a store value into the bytes kept in memory and written to the changelog, and back.
 * `decode` must not keep a reference to `bytes`: the TTL table lends it a reused scratch buffer.
 */
export interface StoreValueCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

/** One changelog record. `value: null` is a tombstone (the key is gone). */
export interface StoreChange {
  key: string;
  value: Uint8Array | null;
  /** when the record was written, ms since the epoch; restore() expires it at timestamp + ttlMs */
  timestamp: number;
}

/** The store contract (structurally the TtlTable's). */
export interface KeyValueStore<V> {
  get(key: string): V | undefined;
  put(key: string, value: V): StoreChange;
  delete(key: string): StoreChange | undefined;
  purgeExpired(limit?: number): StoreChange[];
  restore(change: StoreChange): void;
  readonly size: number;
}

/** A store declared in a topology. Its changelog topic is `<applicationId>-<name>-changelog`. */
export interface StoreRef<V> {
  readonly name: string;
  readonly changelogTopic: string;
  readonly ttlMs: number;
  readonly codec: StoreValueCodec<V>;
}

/** What a step sees of a store: writes go to the changelog and hold the record's offset until acked. */
export interface StoreView<V> {
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
}

/** The changelog topic name Kafka Streams would use for a store. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}
