// The ingress's Kafka producer and the readiness that follows it: the ingress is ready only while
// it can publish. librdkafka's "all brokers down" turns it unready at once; a metadata round trip
// every second (or a delivered record) turns it ready again, so a load balancer stops sending
// Sources to an ingress that would answer every POST with 503 and comes back when it can queue.
import type { KafkaRecord } from '../contract/index.ts';
import type { ProbeResult } from '../metrics/index.ts';
import { AckedProducer } from '../streams/kafka/acked-producer.ts';
import type { KafkaSecurity } from '../streams/kafka/security.ts';
import { ClusterReachability } from '../streams/kafka/cluster-reachability.ts';
import type { RuntimeLogger } from '../streams/kafka/options.ts';
import { kafkaStartError } from './kafka-start-error.ts';

export interface IngressProducer {
  publish(topic: string, record: KafkaRecord): Promise<void>;
  /** ok while the cluster answers this producer */
  ready(): ProbeResult;
  disconnect(): Promise<void>;
}

export interface IngressProducerOptions {
  brokers: string;
  /** default: plaintext */
  security?: KafkaSecurity;
  clientId: string;
  /** a topic the probe asks metadata for (the request topic) */
  probeTopic: string;
  logger: RuntimeLogger;
  /** default 1000 ms */
  probeIntervalMs?: number;
}

/**
 * Connects (rejecting with an error that names KAFKA_BROKERS and its addresses) and starts probing.
 * @example const producer = await connectIngressProducer({ brokers, clientId, probeTopic: topics.requests, logger });
 */
export async function connectIngressProducer(options: IngressProducerOptions): Promise<IngressProducer> {
  const producer = new AckedProducer({ brokers: options.brokers, security: options.security, clientId: options.clientId });
  try {
    await producer.connect();
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw kafkaStartError('the ingress producer', options.brokers, err);
  }
  const reachability = new ClusterReachability(options.logger);
  reachability.contact();
  producer.client.on('event.error', (err) => reachability.clientError('ingress producer', err));
  const intervalMs = options.probeIntervalMs ?? 1000;
  const probeTimeoutMs = Math.max(500, Math.min(intervalMs * 2, 5000));
  const client = producer.client;
  const metadata = {
    probe: (topic: string, timeoutMs: number) => new Promise<void>((resolve, reject) =>
      client.getMetadata({ topic, timeout: timeoutMs }, (err) => (err ? reject(err) : resolve()))),
  };
  const timer = setInterval(() => reachability.probe(metadata, options.probeTopic, probeTimeoutMs), intervalMs);
  timer.unref();
  return {
    async publish(topic, record) {
      await producer.send({ topic, key: record.key, value: record.value, headers: record.headers });
      reachability.contact();
    },
    ready: () => (reachability.reachable
      ? { ok: true, status: 'ready' }
      : { ok: false, status: 'not ready', reason: `cannot publish: ${reachability.reason ?? 'the cluster cannot be reached'} (KAFKA_BROKERS=${options.brokers})` }),
    async disconnect() {
      clearInterval(timer);
      await producer.disconnect();
    },
  };
}
