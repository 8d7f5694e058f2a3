// Kafka runtime, cached path, against a bare node-rdkafka consume→produce pipe on the same broker,
// same run, same input topic: records per second from the first record read to the last output
// acknowledged. The runtime's table is restored from a pre-written changelog, so every request is
// answered from the table (no check runs; the benchmark fails if one does). README: Benchmarks targets: ≥ 0.8×.
import { jsonValueCodec } from '../../src/streams/store/index.ts';
import { partitionForKey } from '../../src/streams/embedded/murmur2.ts';
import { changelogTopicConfig } from '../../src/streams/kafka/admin.ts';
import { KafkaRuntime } from '../../src/streams/kafka/index.ts';
import { buildCheckTopology, checkTopics, expectedStatus } from '../integration/runtime/fixtures/check-topology.ts';
import { startBarePipe } from './bare-pipe.ts';
import { benchBroker, createTopics, deleteTopics, produceBulk, sleep } from './kafka-support.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-throughput';

const PARTITIONS = 3;
const DISTINCT = 10_000;

interface PipeFigures { rate: number; cpuMicrosPerRecord: number }

async function barePipe(brokers: string, input: string, output: string, count: number): Promise<PipeFigures> {
  const pipe = await startBarePipe(brokers, [input], output, `bare-${input}`);
  const cpu = process.cpuUsage();
  try {
    while (pipe.acked < count) {
      if (pipe.failure) throw pipe.failure;
      await sleep(2);
    }
    const seconds = (performance.now() - pipe.startedAt) / 1000;
    const used = process.cpuUsage(cpu);
    return { rate: count / seconds, cpuMicrosPerRecord: (used.user + used.system) / count };
  } finally {
    await pipe.stop();
  }
}

async function runtimePipe(brokers: string, topics: ReturnType<typeof checkTopics>, count: number): Promise<PipeFigures> {
  let checks = 0;
  const topology = buildCheckTopology(topics, { check: async (id) => { checks++; return expectedStatus(id); } });
  const runtime = new KafkaRuntime(topology, { brokers });
  await runtime.start();
  let started = 0;
  const cpu = process.cpuUsage();
  try {
    for (;;) {
      const c = runtime.counters();
      if (started === 0 && c.consumed > 0) started = performance.now();
      if (c.finished >= count) break;
      if (runtime.failure) throw runtime.failure;
      await sleep(2);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (checks > 0) throw new Error(`${checks} requests missed the table: not the cached path`);
    return { rate: count / seconds, cpuMicrosPerRecord: (used.user + used.system) / count };
  } finally {
    await runtime.stop();
  }
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 50_000 : 300_000;
  const broker = await benchBroker();
  const topics = checkTopics('bench-throughput');
  const bareOut = `${topics.applicationId}.bare-out`;
  const all = [topics.requests, topics.priority, topics.status, topics.deadLetters, bareOut];
  try {
    await createTopics(broker.brokers, all, PARTITIONS);
    await createTopics(broker.brokers, [topics.changelog], PARTITIONS, changelogTopicConfig(600_000));
    // the table's content: every id answered before, in the partition its requests arrive on
    await produceBulk(broker.brokers, DISTINCT, (i) => {
      const id = String(1_000_000 + i);
      return { topic: topics.changelog, key: id, partition: partitionForKey(id, PARTITIONS), value: Buffer.from(jsonValueCodec.encode(expectedStatus(id))) };
    });
    await produceBulk(broker.brokers, count, (i) => {
      const id = String(1_000_000 + (i % DISTINCT));
      return { topic: topics.requests, key: id, value: Buffer.from(JSON.stringify({ source_id: id })) };
    });
    const bare = await barePipe(broker.brokers, topics.requests, bareOut, count);
    const runtime = await runtimePipe(broker.brokers, topics, count);
    console.log(`   ${count} records, ${PARTITIONS} partitions: runtime ${Math.round(runtime.rate)}/s, bare pipe ${Math.round(bare.rate)}/s`);
    const benchmark = `kafka runtime cached path ${count / 1000}k`;
    const baselineLabel = 'bare node-rdkafka consume→produce(acked)→commit pipe';
    return [
      { benchmark, metric: 'records/s', value: runtime.rate, baseline: bare.rate, baselineLabel, target: { on: 'ratio', atLeast: 0.8 } },
      // process CPU (all threads, librdkafka's included) per record: where the time goes when CPU-bound
      { benchmark, metric: 'CPU µs/record', value: runtime.cpuMicrosPerRecord, baseline: bare.cpuMicrosPerRecord, baselineLabel },
    ];
  } finally {
    await deleteTopics(broker.brokers, [...all, topics.changelog]).catch(() => undefined);
    await broker.stop();
  }
}
