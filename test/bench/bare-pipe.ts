// The bare node-rdkafka consume → produce (acknowledged) → commit pipe: what a hand-written worker
// does at best with the same records, nothing else (the value and headers are copied as they are).
// The baseline of kafka-throughput and a contender of kafka-peer.
import Kafka from 'node-rdkafka';
import { sleep } from './kafka-support.ts';

export interface BarePipe {
  /** outputs acknowledged so far */
  readonly acked: number;
  /** performance.now() when the first batch arrived (0 before) */
  readonly startedAt: number;
  /** the error that stopped the loop, if any */
  readonly failure: Error | undefined;
  stop(): Promise<void>;
}

/** Connects, subscribes to `inputs` as group `groupId` (from the earliest offset) and pipes until stop(). */
export async function startBarePipe(brokers: string, inputs: readonly string[], output: string, groupId: string): Promise<BarePipe> {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': brokers, 'group.id': groupId, 'enable.auto.commit': false, 'enable.auto.offset.store': false,
    'partition.assignment.strategy': 'cooperative-sticky', 'fetch.queue.backoff.ms': 10,
  }, { 'auto.offset.reset': 'earliest' });
  const producer = new Kafka.Producer({ 'bootstrap.servers': brokers, dr_cb: true, 'enable.idempotence': true, 'linger.ms': 5 }, { partitioner: 'murmur2_random' });
  await Promise.all([
    new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve()))),
    new Promise<void>((resolve, reject) => producer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve()))),
  ]);
  producer.setPollInterval(5);
  consumer.setDefaultConsumeTimeout(20);
  const state = { acked: 0, startedAt: 0, failure: undefined as Error | undefined, stopping: false };
  const positions = new Map<string, Kafka.TopicPartitionOffset>();
  producer.on('delivery-report', (err, report) => {
    if (err) { state.failure ??= new Error(`bare pipe delivery failed: ${err.message}`); return; }
    state.acked++;
    const source = report.opaque as Kafka.TopicPartitionOffset;
    positions.set(`${source.topic}:${source.partition}`, { topic: source.topic, partition: source.partition, offset: source.offset + 1 });
  });
  consumer.subscribe([...inputs]);
  const commit = setInterval(() => { if (positions.size > 0) consumer.commit([...positions.values()]); }, 200);
  const loop = (async () => {
    while (!state.stopping && !state.failure) {
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(500, (err, messages) => (err ? reject(err) : resolve(messages))));
      if (batch.length > 0 && state.startedAt === 0) state.startedAt = performance.now();
      for (const m of batch) {
        for (;;) {
          try {
            producer.produce(output, null, m.value, m.key, m.timestamp, { topic: m.topic, partition: m.partition, offset: m.offset }, m.headers);
            break;
          } catch (err) {
            if ((err as { code?: number }).code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err;
            await sleep(1);
          }
        }
      }
      if (batch.length === 0) await sleep(1);
    }
  })().catch((err: unknown) => { state.failure ??= err instanceof Error ? err : new Error(String(err)); });
  return {
    get acked() { return state.acked; },
    get startedAt() { return state.startedAt; },
    get failure() { return state.failure; },
    async stop() {
      state.stopping = true;
      await loop;
      clearInterval(commit);
      await new Promise<void>((resolve) => producer.flush(10_000, () => resolve()));
      if (positions.size > 0) consumer.commitSync([...positions.values()]);
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
    },
  };
}
