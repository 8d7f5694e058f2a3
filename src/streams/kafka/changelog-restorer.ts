// Rebuilds table shards from their compacted changelog topics. One consumer outside the group
// (plain assign, never commits) reads a changelog partition from its low watermark to the high
// watermark seen when the restore began, applying every record to the store; restores run one
// at a time, in the order they were asked for. close() waits for the queue before it releases the
// consumer, so a restore still connecting when the runtime stops cannot leave a client behind.
import Kafka from 'node-rdkafka';
import { releaseClient } from './admin.ts';
import type { KeyValueStore } from '../dsl/store-ref.ts';
import { KafkaRuntimeError } from './errors.ts';
import { baseClientConfig, type LibrdkafkaConfig } from './options.ts';
import type { KafkaSecurity } from './security.ts';

export interface RestoreTarget {
  /** the changelog topic */
  readonly topic: string;
  readonly store: KeyValueStore<unknown>;
}

export interface RestoreResult {
  /** records applied */
  readonly records: number;
  /** per changelog topic, the end offset the restore read up to */
  readonly positions: ReadonlyMap<string, number>;
}

export interface RestoreOptions {
  brokers: string;
  /** default: plaintext */
  security?: KafkaSecurity;
  clientId: string;
  /** give up connecting after this long (default 10000 ms) */
  connectTimeoutMs?: number;
  /** give up a restore that makes no progress for this long (default 60000 ms) */
  stallTimeoutMs?: number;
  librdkafka?: LibrdkafkaConfig;
}

/** What the task manager needs of a restorer (a fake one in unit tests). */
export interface ShardRestorer {
  restore(partition: number, targets: readonly RestoreTarget[], cancelled?: () => boolean): Promise<RestoreResult>;
  /** The end offset of partition `partition` of each topic now. */
  endOffsets(partition: number, topics: readonly string[]): Promise<Map<string, number>>;
  close(): Promise<void>;
  readonly restored: number;
}

export class ChangelogRestorer implements ShardRestorer {
  readonly #options: RestoreOptions;
  #consumer: Kafka.KafkaConsumer | undefined;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** records applied since creation */
  restored = 0;

  constructor(options: RestoreOptions) {
    this.#options = options;
  }

  /**
   * Applies partition `partition` of every target's changelog to its store, from the start to the
   * end seen when it began. `cancelled()` is asked between batches (a revoked shard stops).
   */
  restore(partition: number, targets: readonly RestoreTarget[], cancelled: () => boolean = () => false): Promise<RestoreResult> {
    return this.#enqueue(() => this.#restore(partition, targets, cancelled));
  }

  endOffsets(partition: number, topics: readonly string[]): Promise<Map<string, number>> {
    return this.#enqueue(async () => {
      const consumer = await this.#connect();
      const ends = new Map<string, number>();
      for (const topic of topics) ends.set(topic, (await watermarks(consumer, topic, partition)).highOffset);
      return ends;
    });
  }

  /**
   * Stops the queued work and releases the consumer. A restore that is still connecting has its
   * consumer released at once (its connect fails), and whatever consumer exists once the queue
   * settled is released too: nothing is left to keep the process alive.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const connecting = this.#consumer;
    if (connecting && !connecting.isConnected()) await releaseClient(connecting);
    await this.#queue;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer) await releaseClient(consumer);
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new KafkaRuntimeError('KAFKA_NOT_RUNNING', 'the changelog restorer is closed'));
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #connect(): Promise<Kafka.KafkaConsumer> {
    if (this.#closed) throw new KafkaRuntimeError('KAFKA_NOT_RUNNING', 'the changelog restorer is closed');
    if (this.#consumer?.isConnected()) return this.#consumer;
    if (this.#consumer) await releaseClient(this.#consumer);
    const consumer = new Kafka.KafkaConsumer({
      ...baseClientConfig(this.#options.brokers, this.#options.security),
      'client.id': `${this.#options.clientId}-restore`,
      // required by librdkafka; never joined (assign only) and never committed to
      'group.id': `${this.#options.clientId}-restore`,
      'enable.auto.commit': false,
      'enable.partition.eof': true,
      'fetch.wait.max.ms': 50,
      ...this.#options.librdkafka,
    }, { 'auto.offset.reset': 'earliest' });
    // kept before it connects: close() releases it whatever state the connect ends in
    this.#consumer = consumer;
    // the cluster answered the group consumer already: a connect that takes long is a dead one
    await new Promise<void>((resolve, reject) => consumer.connect({ timeout: this.#options.connectTimeoutMs ?? 10_000 }, (err) => (err ? reject(new KafkaRuntimeError('KAFKA_CONNECT_FAILED', `restore consumer: ${err.message}`, { cause: err })) : resolve())));
    consumer.setDefaultConsumeTimeout(100);
    return consumer;
  }

  async #restore(partition: number, targets: readonly RestoreTarget[], cancelled: () => boolean): Promise<RestoreResult> {
    const positions = new Map<string, number>(targets.map((t) => [t.topic, 0]));
    if (targets.length === 0 || cancelled()) return { records: 0, positions };
    const consumer = await this.#connect();
    // the end of each changelog partition now: what was written before this shard became ours
    const ends = new Map<string, { store: KeyValueStore<unknown>; end: number }>();
    const assignment: Kafka.Assignment[] = [];
    for (const { topic, store } of targets) {
      const { lowOffset, highOffset } = await watermarks(consumer, topic, partition);
      const start = lowOffset;
      positions.set(topic, Math.max(start, highOffset));
      if (highOffset > start) {
        ends.set(topic, { store, end: highOffset });
        assignment.push({ topic, partition, offset: start });
      }
    }
    if (assignment.length === 0) return { records: 0, positions };
    let applied = 0;
    const stallMs = this.#options.stallTimeoutMs ?? 60_000;
    // node-rdkafka emits a batch's EOF events before it hands the batch over: apply them after it
    let eofs: { topic: string; partition: number; offset: number }[] = [];
    const onEof = (eof: { topic: string; partition: number; offset: number }) => eofs.push(eof);
    consumer.on('partition.eof', onEof);
    consumer.assign(assignment);
    try {
      let lastProgress = Date.now();
      while (ends.size > 0 && !cancelled() && !this.#closed) {
        const messages = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(1000, (err, batch) => (err ? reject(err) : resolve(batch))))
          .catch((err: Error) => {
            if (Date.now() - lastProgress > stallMs) throw new KafkaRuntimeError('KAFKA_RESTORE_FAILED', `restoring partition ${partition}: ${err.message}`, { cause: err });
            return [];
          });
        if (messages.length > 0) lastProgress = Date.now();
        else if (Date.now() - lastProgress > stallMs) {
          throw new KafkaRuntimeError('KAFKA_RESTORE_FAILED', `restoring partition ${partition}: no progress for ${stallMs} ms (left: ${[...ends.keys()].join(', ')})`);
        }
        for (const message of messages) {
          const entry = ends.get(message.topic);
          if (!entry || message.partition !== partition) continue;
          if (message.key !== null && message.key !== undefined) {
            const key = typeof message.key === 'string' ? message.key : message.key.toString('utf8');
            entry.store.restore({ key, value: message.value ?? null, timestamp: message.timestamp ?? 0 });
            applied++;
          }
          if (message.offset + 1 >= entry.end) ends.delete(message.topic);
        }
        for (const eof of eofs) {
          const entry = ends.get(eof.topic);
          if (eof.partition === partition && entry && eof.offset >= entry.end) ends.delete(eof.topic);
        }
        eofs = [];
      }
      if (ends.size > 0 && this.#closed) throw new KafkaRuntimeError('KAFKA_NOT_RUNNING', `restoring partition ${partition}: the restorer was closed`);
    } finally {
      consumer.removeListener('partition.eof', onEof);
      consumer.unassign();
      this.restored += applied;
    }
    return { records: applied, positions };
  }
}

function watermarks(consumer: Kafka.KafkaConsumer, topic: string, partition: number): Promise<Kafka.WatermarkOffsets> {
  return new Promise((resolve, reject) => consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, offsets) => (err
    ? reject(new KafkaRuntimeError('KAFKA_RESTORE_FAILED', `watermarks of ${topic}[${partition}]: ${err.message}`, { cause: err }))
    : resolve(offsets))));
}
