// The TTL table's contract types (re-exported by ttl-table.ts, which is what callers import). The
// value codec and the change record are the DSL's store contract (dsl/store-ref.ts).
import type { StoreValueCodec } from '../dsl/store-ref.ts';

export interface TtlTableOptions<V> {
  /** the store name; the changelog topic name derives from it */
  name: string;
  /** how long an entry lives after it was written, in whole milliseconds (1 ms .. 2^31 ms ≈ 24.8 days) */
  ttlMs: number;
  /** milliseconds since the epoch; injected so tests and the embedded runtime control time */
  clock: () => number;
  codec: StoreValueCodec<V>;
}
