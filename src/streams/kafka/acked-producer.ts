// A node-rdkafka producer whose send() resolves only when the broker acknowledged the message.
// At-least-once rests on this: a runtime commits an input offset only after every output it
// caused was acknowledged here.
import Kafka from 'node-rdkafka';
import { releaseClient } from './admin.ts';
import { baseClientConfig } from './options.ts';
import { connectClient, REPORT_CONNECT_FAILURES, type KafkaSecurity } from './security.ts';

export interface OutgoingMessage {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Kafka.MessageHeader[];
  partition?: number;
  timestamp?: number;
}

export interface Delivery { topic: string; partition: number; offset: number }

export interface AckedProducerOptions {
  brokers: string;
  /** default: plaintext */
  security?: KafkaSecurity;
  clientId: string;
  /** extra librdkafka properties, e.g. linger.ms */
  librdkafka?: Record<string, string | number | boolean>;
  /**
   * librdkafka topic-level properties. node-rdkafka ignores topic properties given with the
   * global ones: `partitioner: 'murmur2_random'` (Kafka's Java partitioner) must go here.
   */
  topicConfig?: Record<string, string | number | boolean>;
}

/** Who hears of one message's delivery report: exactly one of the two calls, once. */
export interface DeliveryReceipt {
  delivered(delivery: Delivery): void;
  failed(error: Error): void;
}

/**
 * A message's receipt travels as its opaque, so the delivery report hands it back directly: no
 * id, no map lookup per message. `send` wraps a promise in one; `sendAcked` takes the caller's.
 */
class Receipt {
  readonly target: DeliveryReceipt;

  constructor(target: DeliveryReceipt) {
    this.target = target;
  }
}

/** The receipt of `send`: settles its promise. */
class PromiseReceipt implements DeliveryReceipt {
  resolve!: (d: Delivery) => void;
  reject!: (e: Error) => void;

  delivered(delivery: Delivery): void {
    this.resolve({ topic: delivery.topic, partition: delivery.partition, offset: delivery.offset });
  }

  failed(error: Error): void {
    this.reject(error);
  }
}

const QUEUE_FULL = Kafka.CODES.ERRORS.ERR__QUEUE_FULL;

export class AckedProducer {
  readonly #producer: Kafka.Producer;
  #pending = 0;

  constructor(options: AckedProducerOptions) {
    this.#producer = new Kafka.Producer({
      ...baseClientConfig(options.brokers, options.security),
      'client.id': options.clientId,
      dr_cb: true,
      // idempotence: retries after a broker hiccup neither duplicate nor reorder a partition's messages
      'enable.idempotence': true,
      'linger.ms': 5,
      'socket.keepalive.enable': true,
      ...REPORT_CONNECT_FAILURES,
      ...options.librdkafka,
    }, { ...options.topicConfig });
    this.#producer.on('delivery-report', (err, report) => {
      const receipt: unknown = report.opaque;
      if (!(receipt instanceof Receipt)) return;
      this.#pending--;
      if (err) receipt.target.failed(Object.assign(new Error(`delivery to ${report.topic} failed: ${err.message}`), { code: err.code }));
      else receipt.target.delivered(report); // a Delivery and more; PromiseReceipt copies what it promises
    });
  }

  /** Messages handed over and not yet acknowledged. */
  get pending(): number { return this.#pending; }

  get client(): Kafka.Producer { return this.#producer; }

  async connect(timeoutMs = 30_000): Promise<void> {
    await connectClient(this.#producer, 'producer connect', timeoutMs);
    this.#producer.setPollInterval(5);
  }

  /** Resolves with the message's position once the broker acknowledged it. */
  send(message: OutgoingMessage): Promise<Delivery> {
    const waiter = new PromiseReceipt();
    const promise = new Promise<Delivery>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.sendAcked(message, waiter);
    return promise;
  }

  /**
   * `send` without a promise: `receipt` hears of the delivery report, or of a refusal (a refusal
   * other than a full local queue is told before this returns).
   */
  sendAcked(message: OutgoingMessage, receipt: DeliveryReceipt): void {
    this.#pending++;
    this.#produce(message, new Receipt(receipt), 0);
  }

  #produce(message: OutgoingMessage, waiter: Receipt, attempt: number): void {
    try {
      this.#producer.produce(message.topic, message.partition ?? null, message.value, message.key ?? undefined,
        message.timestamp ?? Date.now(), waiter, message.headers);
    } catch (err) {
      // librdkafka's local queue is full: give the poll loop time to drain it, then try again.
      if ((err as { code?: number }).code === QUEUE_FULL && attempt < 1000) {
        setTimeout(() => this.#produce(message, waiter, attempt + 1), Math.min(50, 1 + attempt));
        return;
      }
      this.#pending--;
      waiter.target.failed(err as Error);
    }
  }

  async flush(timeoutMs = 30_000): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#producer.flush(timeoutMs, (err) => (err ? reject(new Error(`flush: ${err.message}`)) : resolve())));
  }

  /** Flushes what is queued (when connected) and releases the client, also after a failed connect. */
  async disconnect(): Promise<void> {
    if (this.#producer.isConnected()) await this.flush().catch(() => undefined);
    await releaseClient(this.#producer);
  }
}
