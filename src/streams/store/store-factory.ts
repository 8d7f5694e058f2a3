// How a runtime makes a declared store: the default is the compact TTL table. Runtimes take a
// factory so tests and benchmarks can give them another KeyValueStore.
import type { KeyValueStore, StoreRef } from '../dsl/store-ref.ts';
import { TtlTable } from './ttl-table.ts';

export type StoreFactory = (ref: StoreRef<unknown>, clock: () => number) => KeyValueStore<unknown>;

/** The default store: the compact TTL table. */
export const ttlTableFactory: StoreFactory = (ref, clock) => new TtlTable({ name: ref.name, ttlMs: ref.ttlMs, clock, codec: ref.codec });
