// A fake client supplier for the Kafka runtime's unit tests: an in-memory log of topic-partitions,
// a group consumer whose rebalances the test drives, a producer that appends to the log, and a
// restorer that reads changelog partitions from it. No broker.
import type Kafka from 'node-rdkafka';
import type { Delivery, DeliveryReceipt, OutgoingMessage } from '../../../src/streams/kafka/acked-producer.ts';
import type { RestoreResult, RestoreTarget, ShardRestorer } from '../../../src/streams/kafka/changelog-restorer.ts';
import type { GroupConsumer, GroupListener, KafkaClientSupplier, RecordProducer, TopicPartition, TopicPartitionOffset } from '../../../src/streams/kafka/client-supplier.ts';

export interface LogEntry {
  key: string | null;
  value: Buffer | null;
  timestamp: number;
}

const tp = (topic: string, partition: number) => `${topic}[${partition}]`;

/** Topic-partitions as arrays of records; the offset is the index. */
export class FakeLog {
  readonly partitions = new Map<string, LogEntry[]>();

  of(topic: string, partition = 0): LogEntry[] {
    let entries = this.partitions.get(tp(topic, partition));
    if (!entries) this.partitions.set(tp(topic, partition), entries = []);
    return entries;
  }

  append(topic: string, partition: number, entry: LogEntry): number {
    const entries = this.of(topic, partition);
    entries.push(entry);
    return entries.length - 1;
  }

  values(topic: string): string[] {
    const out: string[] = [];
    for (const [key, entries] of this.partitions) if (key.startsWith(`${topic}[`)) out.push(...entries.map((e) => e.value?.toString() ?? 'null'));
    return out;
  }
}

/** A gate a test opens when it likes; `wait()` resolves once it is open. */
export class Gate {
  #open = false;
  #waiters: (() => void)[] = [];

  get isOpen(): boolean { return this.#open; }

  open(): void {
    this.#open = true;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  close(): void { this.#open = false; }

  wait(): Promise<void> {
    return this.#open ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class FakeGroupConsumer implements GroupConsumer {
  listener!: GroupListener;
  readonly assigned = new Set<string>();
  readonly paused = new Set<string>();
  readonly committedOffsets = new Map<string, number>();
  readonly #positions = new Map<string, number>();
  readonly #log: FakeLog;
  subscribed: readonly string[] = [];
  closed = false;

  constructor(log: FakeLog) {
    this.#log = log;
  }

  async connect(): Promise<void> {}

  subscribe(topics: readonly string[]): void { this.subscribed = topics; }

  async consume(max: number): Promise<Kafka.Message[]> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const out: Kafka.Message[] = [];
    for (const key of this.assigned) {
      if (this.paused.has(key)) continue;
      const [, topic, partition] = /^(.*)\[(\d+)\]$/.exec(key)!;
      const entries = this.#log.of(topic!, Number(partition));
      let position = this.#positions.get(key) ?? 0;
      while (position < entries.length && out.length < max) {
        const e = entries[position]!;
        out.push({ topic: topic!, partition: Number(partition), offset: position, key: e.key === null ? null : Buffer.from(e.key), value: e.value, size: e.value?.length ?? 0, timestamp: e.timestamp } as Kafka.Message);
        position++;
      }
      this.#positions.set(key, position);
    }
    return out;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const key = tp(p.topic, p.partition);
      this.paused.add(key);
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) this.paused.delete(tp(p.topic, p.partition));
  }

  commit(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.committedOffsets.set(tp(o.topic, o.partition), o.offset);
    setImmediate(() => this.listener.commitAcknowledged(undefined, offsets));
  }

  commitSync(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.committedOffsets.set(tp(o.topic, o.partition), o.offset);
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return partitions.flatMap((p) => {
      const offset = this.committedOffsets.get(tp(p.topic, p.partition));
      return offset === undefined ? [] : [{ ...p, offset }];
    });
  }

  highWatermark(topic: string, partition: number): number | undefined {
    return this.#log.of(topic, partition).length;
  }

  async probe(): Promise<void> {}

  isConnected(): boolean { return !this.closed; }

  async close(): Promise<void> { this.closed = true; }

  /** The group gives these partitions (paused, read from the committed offset), as librdkafka does. */
  assign(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const key = tp(p.topic, p.partition);
      this.assigned.add(key);
      this.paused.add(key);
      this.#positions.set(key, this.committedOffsets.get(key) ?? 0);
    }
    this.listener.assigned(partitions);
  }

  /** The group takes these partitions away; resolves when the runtime let them go. */
  async revoke(partitions: readonly TopicPartition[]): Promise<void> {
    this.pause(partitions);
    await this.listener.revoked(partitions);
    for (const p of partitions) this.assigned.delete(tp(p.topic, p.partition));
  }
}

export class FakeProducer implements RecordProducer {
  readonly #log: FakeLog;
  /** deliveries wait for this gate */
  readonly acks = new Gate();

  constructor(log: FakeLog) {
    this.#log = log;
    this.acks.open();
  }

  async connect(): Promise<void> {}

  send(message: OutgoingMessage): Promise<Delivery> {
    return new Promise((resolve, reject) => this.sendAcked(message, { delivered: resolve, failed: reject }));
  }

  sendAcked(message: OutgoingMessage, receipt: DeliveryReceipt): void {
    void this.acks.wait().then(() => {
      const partition = message.partition ?? 0;
      const key = message.key === null ? null : message.key.toString();
      const offset = this.#log.append(message.topic, partition, { key, value: message.value, timestamp: message.timestamp ?? 0 });
      receipt.delivered({ topic: message.topic, partition, offset });
    });
  }

  onClientError(): void {}

  async disconnect(): Promise<void> {}
}

export class FakeRestorer implements ShardRestorer {
  restored = 0;
  /** restores wait for this gate */
  readonly gate = new Gate();
  /** partitions restored, in order */
  readonly restores: number[] = [];
  readonly #log: FakeLog;

  constructor(log: FakeLog) {
    this.#log = log;
    this.gate.open();
  }

  async restore(partition: number, targets: readonly RestoreTarget[]): Promise<RestoreResult> {
    await this.gate.wait();
    this.restores.push(partition);
    const positions = new Map<string, number>();
    let records = 0;
    for (const { topic, store } of targets) {
      const entries = this.#log.of(topic, partition);
      for (const e of entries) {
        if (e.key === null) continue;
        store.restore({ key: e.key, value: e.value, timestamp: e.timestamp });
        records++;
      }
      positions.set(topic, entries.length);
    }
    this.restored += records;
    return { records, positions };
  }

  async endOffsets(partition: number, topics: readonly string[]): Promise<Map<string, number>> {
    return new Map(topics.map((t) => [t, this.#log.of(t, partition).length]));
  }

  async close(): Promise<void> {}
}

export interface FakeClients {
  log: FakeLog;
  consumer: FakeGroupConsumer;
  producer: FakeProducer;
  restorer: FakeRestorer;
  supplier: KafkaClientSupplier;
}

/** Clients on `log` (a new one by default; two runtimes may share one, like two workers a cluster). */
export function fakeClients(partitions: number, log = new FakeLog()): FakeClients {
  const consumer = new FakeGroupConsumer(log);
  const producer = new FakeProducer(log);
  const restorer = new FakeRestorer(log);
  return {
    log, consumer, producer, restorer,
    supplier: {
      prepareTopics: async () => partitions,
      groupConsumer: (listener) => { consumer.listener = listener; return consumer; },
      producer: () => producer,
      restorer: () => restorer,
    },
  };
}
