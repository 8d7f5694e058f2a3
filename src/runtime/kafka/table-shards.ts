// Table shards: partition i of every store the topology declares, restored from partition i of
// the store's changelog (co-partitioning, like Kafka Streams). A shard lives while at least one
// assigned input partition with that number uses it, and is dropped when the last one is revoked.
import type { KeyValueStore } from '../../dsl/store-ref.ts';
import type { Topology } from '../../dsl/topology.ts';
import type { StoreFactory } from '../embedded/create-stores.ts';
import type { TaskClock } from '../task/contract.ts';
import type { ChangelogRestorer } from './changelog-restorer.ts';

export type ShardState = 'restoring' | 'ready' | 'dropped';

export class TableShard {
  readonly partition: number;
  readonly stores: Readonly<Record<string, KeyValueStore<unknown>>>;
  state: ShardState = 'restoring';
  /** restore outcome: resolves when ready, rejects when the restore failed */
  readonly restored: Promise<void>;
  /** input partitions ("topic:partition") using this shard */
  readonly users = new Set<string>();

  constructor(partition: number, stores: Record<string, KeyValueStore<unknown>>, restored: (shard: TableShard) => Promise<void>) {
    this.partition = partition;
    this.stores = stores;
    this.restored = restored(this);
  }
}

export interface TableShardsOptions {
  topology: Topology;
  clock: TaskClock;
  storeFactory: StoreFactory;
  restorer: ChangelogRestorer;
  /** told when a shard's restore failed (the runtime retries or fails) */
  onRestoreError: (partition: number, error: unknown) => void;
  onRestored: (partition: number, records: number, ms: number) => void;
}

export class TableShards {
  readonly #shards = new Map<number, TableShard>();
  readonly #options: TableShardsOptions;

  constructor(options: TableShardsOptions) {
    this.#options = options;
  }

  /** The shard of `partition` for input partition `user`; created (and its restore started) when absent. */
  acquire(partition: number, user: string): TableShard {
    let shard = this.#shards.get(partition);
    if (!shard) {
      shard = this.#create(partition);
      this.#shards.set(partition, shard);
    }
    shard.users.add(user);
    return shard;
  }

  /** Drops `user`; the shard goes when nobody uses it. */
  release(partition: number, user: string): void {
    const shard = this.#shards.get(partition);
    if (!shard) return;
    shard.users.delete(user);
    if (shard.users.size === 0) {
      shard.state = 'dropped';
      this.#shards.delete(partition);
    }
  }

  /** Starts a new restore for a shard whose restore failed (keeps its users). */
  retry(partition: number): TableShard | undefined {
    const old = this.#shards.get(partition);
    if (!old || old.state !== 'restoring') return old;
    old.state = 'dropped';
    const shard = this.#create(partition);
    for (const user of old.users) shard.users.add(user);
    this.#shards.set(partition, shard);
    return shard;
  }

  get(partition: number): TableShard | undefined {
    return this.#shards.get(partition);
  }

  values(): IterableIterator<TableShard> {
    return this.#shards.values();
  }

  get size(): number {
    return this.#shards.size;
  }

  #create(partition: number): TableShard {
    const { topology, clock, storeFactory, restorer } = this.#options;
    const stores: Record<string, KeyValueStore<unknown>> = {};
    for (const ref of topology.stores) stores[ref.name] = storeFactory(ref, () => clock.now());
    return new TableShard(partition, stores, async (shard) => {
      const started = Date.now();
      try {
        const targets = topology.stores.map((ref) => ({ topic: ref.changelogTopic, store: stores[ref.name]! }));
        const records = await restorer.restore(partition, targets, () => shard.state === 'dropped');
        if (shard.state === 'restoring') shard.state = 'ready';
        this.#options.onRestored(partition, records, Date.now() - started);
      } catch (error) {
        if (shard.state !== 'dropped') this.#options.onRestoreError(partition, error);
        throw error;
      }
    });
  }
}
