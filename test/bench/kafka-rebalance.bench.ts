// Rebalance pause: one worker processes a steady stream of check requests (every partition busy);
// a second worker joins. Per partition, the longest gap between two status outputs around the
// join is the time that partition group did not process; the figures are the longest such gap of
// any partition and the time from the join until the last partition group processed again.
import { AckedProducer } from '../../src/streams/kafka/acked-producer.ts';
import { KafkaRuntime } from '../../src/streams/kafka/index.ts';
import { buildCheckTopology, checkTopics, expectedStatus } from '../integration/runtime/fixtures/check-topology.ts';
import { Collector } from '../integration/runtime/runtime-support.ts';
import { benchBroker, createTopics, deleteTopics, quantile, sleep } from './kafka-support.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-rebalance';

const PARTITIONS = 6;
const RATE_PER_SEC = 300;
const WINDOW_MS = 10_000;

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const rounds = options.quick ? 1 : 3;
  const broker = await benchBroker();
  process.env.KAFKA_BROKERS = broker.brokers; // the collector reads it
  const rows: BenchRow[] = [];
  const pauses: number[] = [];
  const recoveries: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const { pause, recovered } = await joinOnce(broker.brokers, round);
      console.log(`   round ${round + 1}: longest partition gap ${Math.round(pause)} ms, every group processing again ${Math.round(recovered)} ms after the join`);
      pauses.push(pause);
      recoveries.push(recovered);
    }
    const label = `kafka rebalance, 1→2 workers, ${PARTITIONS} partitions, ${RATE_PER_SEC}/s`;
    rows.push(
      { benchmark: label, metric: 'longest partition gap ms (median of rounds)', value: quantile(pauses, 0.5) },
      { benchmark: label, metric: 'join → every group processing ms (median)', value: quantile(recoveries, 0.5) },
      { benchmark: label, metric: 'join → every group processing ms (max)', value: Math.max(...recoveries) },
    );
    return rows;
  } finally {
    await broker.stop();
  }
}

async function joinOnce(brokers: string, round: number): Promise<{ pause: number; recovered: number }> {
  const topics = checkTopics(`bench-rebalance-${round}`);
  const all = [topics.requests, topics.priority, topics.status, topics.deadLetters];
  await createTopics(brokers, all, PARTITIONS);
  const topology = () => buildCheckTopology(topics, {
    check: async (id) => {
      await sleep(2);
      return expectedStatus(id);
    },
  });
  const a = new KafkaRuntime(topology(), { brokers });
  const b = new KafkaRuntime(topology(), { brokers });
  const collector = await Collector.start([topics.status]);
  const producer = new AckedProducer({ brokers, clientId: 'bench-rebalance', topicConfig: { partitioner: 'murmur2_random' }, librdkafka: { 'linger.ms': 0 } });
  await producer.connect();
  let producing = true;
  let sent = 0;
  const feed = (async () => {
    const started = performance.now();
    while (producing) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE_PER_SEC);
      while (sent < due) {
        const id = String(1_000_000 * (round + 1) + sent++);
        void producer.send({ topic: topics.requests, key: id, value: Buffer.from(JSON.stringify({ source_id: id })) });
      }
      await sleep(5);
    }
  })();
  try {
    await a.start();
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.partition)).size === PARTITIONS, 'every partition processing', 60_000);
    await sleep(2000);
    const joinAt = performance.now();
    await b.start();
    await sleep(WINDOW_MS);
    producing = false;
    await feed;
    await collector.until(() => collector.of(topics.status).length >= sent, 'every output', 60_000);
    let pause = 0;
    let recovered = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const times = collector.of(topics.status).filter((m) => m.partition === p).map((m) => m.readAt).filter((t) => t >= joinAt - 500).sort((x, y) => x - y);
      let longest = 0;
      let endOfLongest = joinAt;
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        if (gap > longest) { longest = gap; endOfLongest = times[i]!; }
      }
      pause = Math.max(pause, longest);
      recovered = Math.max(recovered, endOfLongest - joinAt);
    }
    return { pause, recovered };
  } finally {
    producing = false;
    await feed;
    await producer.disconnect();
    await b.stop();
    await a.stop();
    await collector.close();
    await deleteTopics(brokers, [...all, topics.changelog]).catch(() => undefined);
  }
}
