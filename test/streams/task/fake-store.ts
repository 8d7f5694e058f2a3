// A minimal in-memory stand-in for the TTL table (src/streams/store/ttl-table.ts), for task tests:
// same contract, a Map underneath. Expired when now >= writtenAt + ttlMs.
import type { KeyValueStore, StoreChange, StoreValueCodec } from '../../../src/streams/dsl/store-ref.ts';

export class FakeTtlStore<V> implements KeyValueStore<V> {
  readonly #entries = new Map<string, { value: V; writtenAt: number }>();

  constructor(private readonly ttlMs: number, private readonly clock: () => number, private readonly codec: StoreValueCodec<V>) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry || this.clock() >= entry.writtenAt + this.ttlMs) return undefined;
    return entry.value;
  }

  put(key: string, value: V): StoreChange {
    const timestamp = this.clock();
    this.#entries.set(key, { value, writtenAt: timestamp });
    return { key, value: this.codec.encode(value), timestamp };
  }

  delete(key: string): StoreChange | undefined {
    if (!this.#entries.delete(key)) return undefined;
    return { key, value: null, timestamp: this.clock() };
  }

  purgeExpired(limit = Infinity): StoreChange[] {
    const out: StoreChange[] = [];
    for (const [key, entry] of this.#entries) {
      if (out.length >= limit) break;
      if (this.clock() >= entry.writtenAt + this.ttlMs) {
        this.#entries.delete(key);
        out.push({ key, value: null, timestamp: this.clock() });
      }
    }
    return out;
  }

  restore(change: StoreChange): void {
    if (change.value === null) this.#entries.delete(change.key);
    else this.#entries.set(change.key, { value: this.codec.decode(change.value), writtenAt: change.timestamp });
  }

  get size(): number {
    return this.#entries.size;
  }
}

export const fakeJsonCodec: StoreValueCodec<unknown> = {
  encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown,
};
