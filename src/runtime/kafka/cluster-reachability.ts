// Whether the cluster answers, for health(): librdkafka's "all brokers down" errors turn it
// unreachable; a metadata round trip (probed periodically) or an acknowledged commit turns it back.
import Kafka from 'node-rdkafka';
import type { RuntimeLogger } from './options.ts';

const ALL_BROKERS_DOWN = Kafka.CODES.ERRORS.ERR__ALL_BROKERS_DOWN;

export class ClusterReachability {
  reachable = true;
  /** why it is unreachable */
  reason: string | undefined;
  /** last successful round trip, ms since epoch (0: never) */
  lastContactAt = 0;
  readonly #logger: RuntimeLogger;
  #probing = false;

  constructor(logger: RuntimeLogger) {
    this.#logger = logger;
  }

  /** A client's 'event.error'. */
  clientError(client: string, err: Kafka.LibrdKafkaError): void {
    if (err.code === ALL_BROKERS_DOWN) {
      this.reachable = false;
      this.reason = `${client}: all brokers are down`;
    }
    this.#logger.warn({ client, code: err.code, err: err.message }, 'kafka client error');
  }

  contact(): void {
    this.reachable = true;
    this.reason = undefined;
    this.lastContactAt = Date.now();
  }

  /** A metadata round trip for `topic`: the cheapest proof that the cluster answers. */
  probe(client: Kafka.KafkaConsumer, topic: string, timeoutMs: number): void {
    if (this.#probing) return;
    this.#probing = true;
    client.getMetadata({ topic, timeout: timeoutMs }, (err) => {
      this.#probing = false;
      if (!err) this.contact();
      else {
        this.reachable = false;
        this.reason = `metadata request failed: ${err.message}`;
      }
    });
  }
}
