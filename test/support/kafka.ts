// Helpers for integration tests on a real broker: the address, unique topics, clean clients.
import { randomUUID } from 'node:crypto';
import Kafka from 'node-rdkafka';

/** The broker the test runner chose (test/run.ts exports KAFKA_BROKERS to every test file). */
export function testBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run integration tests through `make test` (test/run.ts)');
  return brokers;
}

/** A topic name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a topic and waits until the broker has it. */
export async function createTopic(name: string, partitions = 1, config: Record<string, string> = {}): Promise<string> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': testBrokers(), 'client.id': 'test-admin' });
  try {
    await new Promise<void>((resolve, reject) => {
      admin.createTopic({ topic: name, num_partitions: partitions, replication_factor: 1, config }, 15_000, (err) => (err ? reject(err) : resolve()));
    });
  } finally {
    admin.disconnect();
  }
  return name;
}

/** Deletes a topic; ignores one that is already gone. */
export async function deleteTopic(name: string): Promise<void> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': testBrokers(), 'client.id': 'test-admin' });
  try {
    await new Promise<void>((resolve) => admin.deleteTopic(name, 15_000, () => resolve()));
  } finally {
    admin.disconnect();
  }
}

/** A connected producer that reports deliveries; `produceAcked` resolves when the broker acked. */
export async function connectProducer(extra: Record<string, unknown> = {}): Promise<Kafka.Producer> {
  const producer = new Kafka.Producer({ 'bootstrap.servers': testBrokers(), dr_cb: true, 'enable.idempotence': true, ...extra });
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(10);
  return producer;
}

/** Produces messages and waits for every delivery report. */
export async function produceAcked(producer: Kafka.Producer, messages: { topic: string; key: string; value: string; headers?: Kafka.MessageHeader[] }[]): Promise<void> {
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const onReport = (err: Kafka.LibrdKafkaError | null, report: Kafka.DeliveryReport) => {
    const waiter = pending.get(report.opaque as number);
    if (!waiter) return;
    pending.delete(report.opaque as number);
    if (err) waiter.reject(Object.assign(new Error(err.message), { code: err.code })); else waiter.resolve();
  };
  producer.on('delivery-report', onReport);
  try {
    await Promise.all(messages.map((m, i) => new Promise<void>((resolve, reject) => {
      pending.set(i, { resolve, reject });
      producer.produce(m.topic, null, Buffer.from(m.value), m.key, Date.now(), i, m.headers);
    })));
  } finally {
    producer.removeListener('delivery-report', onReport);
  }
}

/** A connected consumer in `groupId`, manual commits, subscribed to `topics`. */
export async function connectConsumer(groupId: string, topics: string[], extra: Record<string, unknown> = {}): Promise<Kafka.KafkaConsumer> {
  const consumer = new Kafka.KafkaConsumer(
    { 'bootstrap.servers': testBrokers(), 'group.id': groupId, 'enable.auto.commit': false, ...extra },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
  consumer.subscribe(topics);
  return consumer;
}

/** Reads exactly `count` messages (in non-flowing mode), failing after `timeoutMs`. */
export async function consumeExactly(consumer: Kafka.KafkaConsumer, count: number, timeoutMs = 30_000): Promise<Kafka.Message[]> {
  const got: Kafka.Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < count) {
    if (Date.now() > deadline) throw new Error(`consumed ${got.length} of ${count} messages in ${timeoutMs} ms`);
    const batch = await new Promise<Kafka.Message[]>((resolve, reject) =>
      consumer.consume(count - got.length, (err, messages) => (err ? reject(err) : resolve(messages))));
    got.push(...batch);
  }
  return got;
}

export function disconnect(client: Kafka.Producer | Kafka.KafkaConsumer): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}
