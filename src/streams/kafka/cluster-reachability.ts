// Whether the cluster answers, for health(): librdkafka's "all brokers down" errors turn it
// unreachable; a metadata round trip (probed periodically) or an acknowledged commit turns it back.
import Kafka from 'node-rdkafka';
import type { ClientError, GroupConsumer } from './client-supplier.ts';
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
  clientError(client: string, err: ClientError): void {
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
  probe(client: Pick<GroupConsumer, 'probe'>, topic: string, timeoutMs: number): void {
    if (this.#probing) return;
    this.#probing = true;
    client.probe(topic, timeoutMs).then(() => {
      this.#probing = false;
      this.contact();
    }, (err: Error) => {
      this.#probing = false;
      this.reachable = false;
      this.reason = `metadata request failed: ${err.message}`;
    });
  }
}
