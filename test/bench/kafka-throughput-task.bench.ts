// The task stage of the Kafka runtime's cached path, without Kafka: records per second through a
// TopologyTask running the cached-check topology (every request answered from the table) with a
// producer that acknowledges at once, against a loop doing only what any consume→produce worker
// must do with the same records: JSON.parse of the input and JSON.stringify of an output. The
// ratio says how much of a bare pipe's budget the executor itself takes (kafka-throughput's gap).
import { ttlTableFactory } from '../../src/streams/store/store-factory.ts';
import { systemClock } from '../../src/streams/clock.ts';
import type { InputRecord, ProducerPort } from '../../src/streams/task/contract.ts';
import { TopologyTask } from '../../src/streams/task/topology-task.ts';
import { buildCheckTopology, checkTopics, expectedStatus } from '../integration/runtime/fixtures/check-topology.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-throughput-task';

const DISTINCT = 10_000;
/** records handed over before the loop lets acknowledgements settle (the runtime's consume batch) */
const BATCH = 500;

function makeRecords(topic: string, count: number): InputRecord[] {
  const records: InputRecord[] = [];
  for (let i = 0; i < count; i++) {
    const id = String(1_000_000 + (i % DISTINCT));
    records.push({ topic, partition: 0, offset: i, key: id, value: Buffer.from(JSON.stringify({ source_id: id })), headers: {}, timestamp: Date.now() });
  }
  return records;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `receipts`: the Kafka runtime's way, `submit` (no promise per record) and a producer port with
 * `sendAcked`, acknowledging in the next microtask; else `process` and a `send` resolved at once.
 */
async function taskRate(records: readonly InputRecord[], receipts: boolean): Promise<number> {
  const topics = checkTopics('bench-task');
  let checks = 0;
  const topology = buildCheckTopology(topics, { check: async (id) => { checks++; return expectedStatus(id); } });
  const ref = topology.stores[0]!;
  const store = ttlTableFactory(ref, () => systemClock.now());
  for (let i = 0; i < DISTINCT; i++) store.put(String(1_000_000 + i), expectedStatus(String(1_000_000 + i)));
  let sent = 0;
  const acked = Promise.resolve();
  const producer: ProducerPort = receipts
    ? { send: () => { throw new Error('send() while sendAcked() exists'); }, sendAcked: (_record, receipt) => { sent++; queueMicrotask(() => receipt.delivered()); } }
    : { send: () => { sent++; return acked; } };
  const task = new TopologyTask(topology, { clock: systemClock, producer, stores: { [ref.name]: store } });
  const input = records.map((r) => ({ ...r, topic: topics.requests }));
  const started = performance.now();
  for (let i = 0; i < input.length; i += BATCH) {
    const end = Math.min(input.length, i + BATCH);
    if (receipts) for (let j = i; j < end; j++) task.submit(input[j]!);
    else for (let j = i; j < end; j++) void task.process(input[j]!);
    await turn();
  }
  while (task.unfinished() > 0) await turn();
  const seconds = (performance.now() - started) / 1000;
  if (checks > 0) throw new Error(`${checks} requests missed the table: not the cached path`);
  if (sent !== input.length || task.metrics.finished !== input.length) throw new Error(`sent ${sent}, finished ${task.metrics.finished} of ${input.length}`);
  await task.close();
  return input.length / seconds;
}

async function parseStringifyRate(records: readonly InputRecord[]): Promise<number> {
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < records.length; i += BATCH) {
    const end = Math.min(records.length, i + BATCH);
    for (let j = i; j < end; j++) {
      const request = JSON.parse(records[j]!.value!.toString('utf8')) as { source_id: string };
      bytes += Buffer.from(JSON.stringify({ source_id: request.source_id, status: 'available', via: 'cache' }), 'utf8').length;
    }
    await turn();
  }
  const seconds = (performance.now() - started) / 1000;
  if (bytes === 0) throw new Error('nothing encoded');
  return records.length / seconds;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 100_000 : 500_000;
  const records = makeRecords('bench', count);
  // a warm-up of each, then the best of three: the machine is shared, the best run is the least disturbed
  await taskRate(records.slice(0, 50_000), false);
  await taskRate(records.slice(0, 50_000), true);
  await parseStringifyRate(records.slice(0, 50_000));
  let task = 0;
  let taskReceipts = 0;
  let baseline = 0;
  for (let round = 0; round < 3; round++) {
    task = Math.max(task, await taskRate(records, false));
    taskReceipts = Math.max(taskReceipts, await taskRate(records, true));
    baseline = Math.max(baseline, await parseStringifyRate(records));
  }
  const micros = (rate: number) => (1e6 / rate).toFixed(2);
  console.log(`   ${count} records: task ${Math.round(task)}/s (${micros(task)} µs each; ${micros(taskReceipts)} µs with submit + sendAcked), JSON.parse+stringify ${Math.round(baseline)}/s (${micros(baseline)} µs each)`);
  const benchmark = `topology task cached path ${count / 1000}k`;
  const baselineLabel = 'JSON.parse + JSON.stringify of the same records';
  return [
    { benchmark, metric: 'records/s (process, send port)', value: task, baseline, baselineLabel },
    { benchmark, metric: 'records/s (submit, sendAcked port)', value: taskReceipts, baseline, baselineLabel },
  ];
}
