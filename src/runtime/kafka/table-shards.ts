// Table shards: partition i of every store the topology declares, restored from partition i of
// the store's changelog (co-partitioning, like Kafka Streams). A shard lives while at least one
// assigned input partition with that number uses it, and is dropped when the last one is revoked.
//
// The group's assignor (cooperative-sticky) places topic-partitions one by one, so requests[i] and
// priority[i] may live on different workers, each holding shard i and both writing changelog i.
// Each shard therefore remembers how far it read its changelogs, and catches up (every user of
// the shard paused meanwhile) whenever another input partition joins it: the newcomer's previous
// owner may have written there since.
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
  /** the latest restore round: resolves when it is done, rejects when it failed */
  round: Promise<void> = Promise.resolve();
  /** input partitions ("topic[partition]") using this shard */
  readonly users = new Set<string>();
  /** per changelog topic, the offset the next restore round starts at */
  readonly positions = new Map<string, number>();

  constructor(partition: number, stores: Record<string, KeyValueStore<unknown>>) {
    this.partition = partition;
    this.stores = stores;
  }
}

export interface TableShardsOptions {
  topology: Topology;
  clock: TaskClock;
  storeFactory: StoreFactory;
  restorer: Pick<ChangelogRestorer, 'restore'>;
  /** told when a shard's restore failed (the runtime retries) */
  onRestoreError: (partition: number, error: unknown) => void;
  onRestored: (partition: number, records: number, ms: number) => void;
}

export class TableShards {
  readonly #shards = new Map<number, TableShard>();
  readonly #options: TableShardsOptions;

  constructor(options: TableShardsOptions) {
    this.#options = options;
  }

  /** The shard of `partition` for input partition `user`: created and restored, or caught up. */
  acquire(partition: number, user: string): TableShard {
    let shard = this.#shards.get(partition);
    if (!shard) {
      const stores: Record<string, KeyValueStore<unknown>> = {};
      for (const ref of this.#options.topology.stores) stores[ref.name] = this.#options.storeFactory(ref, () => this.#options.clock.now());
      shard = new TableShard(partition, stores);
      this.#shards.set(partition, shard);
      this.#restore(shard);
    } else if (!shard.users.has(user) && this.#options.topology.stores.length > 0) {
      this.#restore(shard);
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

  /** Another restore round for a shard whose last one failed. */
  retry(partition: number): void {
    const shard = this.#shards.get(partition);
    if (shard && shard.state === 'restoring') this.#restore(shard);
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

  /** Queues a restore round (from the shard's positions to the changelogs' current end). */
  #restore(shard: TableShard): void {
    const { topology, restorer } = this.#options;
    shard.state = 'restoring';
    const round = shard.round.catch(() => undefined).then(async () => {
      if (shard.state === 'dropped') return;
      const started = Date.now();
      const targets = topology.stores.map((ref) => ({ topic: ref.changelogTopic, store: shard.stores[ref.name]!, from: shard.positions.get(ref.changelogTopic) }));
      const result = await restorer.restore(shard.partition, targets, () => shard.state === 'dropped');
      for (const [topic, position] of result.positions) shard.positions.set(topic, position);
      // a later round queued behind this one keeps the shard restoring
      if (shard.state === 'restoring' && shard.round === round) shard.state = 'ready';
      this.#options.onRestored(shard.partition, result.records, Date.now() - started);
    });
    shard.round = round;
    round.catch((error: unknown) => {
      if (shard.state !== 'dropped' && shard.round === round) this.#options.onRestoreError(shard.partition, error);
    });
  }
}
