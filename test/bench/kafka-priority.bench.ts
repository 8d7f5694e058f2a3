// Priority latency with a backlog waiting: `backlog` check requests sit on the normal topic (the
// checks take 10 ms each, so it stays waiting); user-triggered no-cache requests arrive on the
// priority topic 20 times a second. Latency = produce call → status output read back by a
// consumer, both in this process (the 10 ms check included). README: Benchmarks targets: p99 < 250 ms with 1M waiting.
import { AckedProducer } from '../../src/streams/kafka/acked-producer.ts';
import { KafkaRuntime } from '../../src/streams/kafka/index.ts';
import { buildCheckTopology, checkTopics, expectedStatus } from '../integration/runtime/fixtures/check-topology.ts';
import { Collector } from '../integration/runtime/runtime-support.ts';
import { benchBroker, createTopics, deleteTopics, produceBulk, quantile, sleep } from './kafka-support.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-priority';

const PARTITIONS = 3;
const PROBES = 200;
const PROBE_INTERVAL_MS = 50;

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const backlog = Number(process.env.BENCH_PRIORITY_BACKLOG ?? (options.quick ? 100_000 : 1_000_000));
  const broker = await benchBroker();
  process.env.KAFKA_BROKERS = broker.brokers; // the collector reads it
  const topics = checkTopics('bench-priority');
  const all = [topics.requests, topics.priority, topics.status, topics.deadLetters];
  try {
    await createTopics(broker.brokers, all, PARTITIONS);
    const t0 = performance.now();
    await produceBulk(broker.brokers, backlog, (i) => {
      const id = String(10_000_000 + i);
      return { topic: topics.requests, key: id, value: Buffer.from(JSON.stringify({ source_id: id })) };
    });
    console.log(`   backlog of ${backlog} produced in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const topology = buildCheckTopology(topics, {
      check: async (id) => {
        await sleep(10);
        return expectedStatus(id);
      },
    });
    const runtime = new KafkaRuntime(topology, { brokers: broker.brokers });
    const collector = await Collector.start([topics.status]);
    const producer = new AckedProducer({ brokers: broker.brokers, clientId: 'bench-priority', topicConfig: { partitioner: 'murmur2_random' }, librdkafka: { 'linger.ms': 0 } });
    await producer.connect();
    try {
      await runtime.start();
      await collector.until(() => collector.of(topics.status).length > 100, 'the backlog to be under way', 120_000);
      const sentAt = new Map<string, number>();
      for (let i = 0; i < PROBES; i++) {
        const id = String(900_000_000 + i);
        sentAt.set(id, performance.now());
        void producer.send({ topic: topics.priority, key: id, value: Buffer.from(JSON.stringify({ source_id: id, no_cache: true })) });
        await sleep(PROBE_INTERVAL_MS);
      }
      await collector.until(() => collector.of(topics.status).filter((m) => sentAt.has(m.key!)).length >= PROBES, 'every priority answer', 60_000);
      const latencies = collector.of(topics.status).filter((m) => sentAt.has(m.key!)).map((m) => m.readAt - sentAt.get(m.key!)!);
      const waiting = backlog + PROBES - runtime.counters().finished;
      console.log(`   ${PROBES} priority requests; backlog still waiting at the end: ${waiting}`);
      const label = `kafka priority, ${Math.round(backlog / 1000)}k backlog`;
      return [
        { benchmark: label, metric: 'p50 latency ms', value: quantile(latencies, 0.5) },
        { benchmark: label, metric: 'p99 latency ms', value: quantile(latencies, 0.99), target: { on: 'value', atMost: 250 } },
        { benchmark: label, metric: 'max latency ms', value: Math.max(...latencies) },
        { benchmark: label, metric: 'backlog left at end', value: waiting },
      ];
    } finally {
      await producer.disconnect();
      await runtime.stop();
      await collector.close();
    }
  } finally {
    await deleteTopics(broker.brokers, [...all, topics.changelog]).catch(() => undefined);
    await broker.stop();
  }
}
