// Creates the stores a topology declares and restores each from its changelog topic, the way the
// Kafka runtime restores them on start and on partition assignment.
import type { KeyValueStore } from '../dsl/store-ref.ts';
import type { Topology } from '../dsl/topology.ts';
import { ttlTableFactory, type StoreFactory } from '../store/store-factory.ts';
import type { Clock } from '../clock.ts';
import type { PartitionedLog } from './partitioned-log.ts';

/** One store per declared store, each restored from every partition of its changelog topic. */
export function createStores(topology: Topology, clock: Clock, log: PartitionedLog, factory: StoreFactory = ttlTableFactory): Record<string, KeyValueStore<unknown>> {
  const stores: Record<string, KeyValueStore<unknown>> = {};
  for (const ref of topology.stores) {
    const store = factory(ref, () => clock.now());
    if (log.hasTopic(ref.changelogTopic)) {
      for (let partition = 0; partition < log.partitionCount(ref.changelogTopic); partition++) {
        for (const record of log.read(ref.changelogTopic, partition, 0)) {
          if (record.key === null) continue; // not a store record: changelog keys are store keys
          store.restore({ key: record.key, value: record.value, timestamp: record.timestamp });
        }
      }
    }
    stores[ref.name] = store;
  }
  return stores;
}
