// Changelog restore rate: a compacted changelog of `count` distinct source ids over 3 partitions
// is read back into TTL tables by the runtime's ChangelogRestorer (what a worker does on start and
// on partition assignment). Reported in records per second; no target (README: Benchmarks).
import { jsonValueCodec, TtlTable } from '../../src/streams/store/index.ts';
import { partitionForKey } from '../../src/streams/embedded/murmur2.ts';
import { changelogTopicConfig } from '../../src/streams/kafka/admin.ts';
import { ChangelogRestorer } from '../../src/streams/kafka/changelog-restorer.ts';
import { uniqueName } from '../support/kafka.ts';
import { benchBroker, createTopics, deleteTopics, produceBulk } from './kafka-support.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-restore';

const PARTITIONS = 3;

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 200_000 : 1_000_000;
  const broker = await benchBroker();
  const topic = `${uniqueName('bench-restore')}-results-changelog`;
  try {
    await createTopics(broker.brokers, [topic], PARTITIONS, changelogTopicConfig(3_600_000));
    await produceBulk(broker.brokers, count, (i) => {
      const id = String(1_000_000 + i);
      const status = i % 10 === 0 ? 'unavailable' : 'available';
      return { topic, key: id, partition: partitionForKey(id, PARTITIONS), value: Buffer.from(jsonValueCodec.encode(status)) };
    });
    const restorer = new ChangelogRestorer({ brokers: broker.brokers, clientId: 'bench-restore' });
    try {
      const tables = Array.from({ length: PARTITIONS }, () => new TtlTable<unknown>({ name: 'results', ttlMs: 3_600_000, clock: Date.now, codec: jsonValueCodec }));
      const started = performance.now();
      let restored = 0;
      for (let p = 0; p < PARTITIONS; p++) restored += (await restorer.restore(p, [{ topic, store: tables[p]! }])).records;
      const seconds = (performance.now() - started) / 1000;
      const held = tables.reduce((n, t) => n + t.size, 0);
      if (restored !== count || held !== count) throw new Error(`restored ${restored} records into ${held} entries, expected ${count}`);
      console.log(`   ${count} changelog records restored in ${seconds.toFixed(2)} s`);
      return [{ benchmark: `kafka changelog restore ${count / 1000}k`, metric: 'records/s', value: count / seconds }];
    } finally {
      await restorer.close();
    }
  } finally {
    await deleteTopics(broker.brokers, [topic]).catch(() => undefined);
    await broker.stop();
  }
}
