// Assembles the running service from configuration: the ingress, the worker topology, and the
// log between them: the embedded in-process log when no brokers are configured (one process,
// role "all"), Kafka otherwise (roles may run in separate processes and scale apart).
import type { CheckersOptions } from '../checks/index.ts';
import type { Config } from '../config/index.ts';
import type { KafkaRecord } from '../contract/index.ts';
import { createIngress, listenIngress, type ListeningIngress } from '../ingress/index.ts';
import type { RecordError } from '../dsl/errors.ts';
import { EmbeddedRuntime } from '../runtime/embedded/index.ts';
import { AckedProducer } from '../runtime/kafka/acked-producer.ts';
import { KafkaRuntime } from '../runtime/kafka/index.ts';
import type { InputRecord } from '../runtime/task/index.ts';
import { buildAvailabilityTopology } from '../../topology/availability-check.ts';
import { createAvailabilityServices } from '../worker/wire-services.ts';
import type { Logger } from './logger.ts';

export const ROLES = ['all', 'ingress', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface ServiceOptions {
  config: Config;
  role: Role;
  logger: Logger;
  /** checker options instead of the ones from configuration (the demo points them at emulators) */
  checkers?: CheckersOptions;
}

export interface RunningService {
  /** where the ingress listens, when this process runs it */
  ingress?: ListeningIngress;
  /** the embedded runtime, when no brokers are configured */
  embedded?: EmbeddedRuntime;
  stop(): Promise<void>;
}

/** Record headers as the DSL and the embedded log carry them: one UTF-8 value per name. */
function headerRecord(record: KafkaRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of record.headers) for (const [name, value] of Object.entries(header)) headers[name] = value.toString();
  return headers;
}

function workerTopology(options: ServiceOptions) {
  const { config } = options;
  const wired = createAvailabilityServices(config, options.checkers);
  options.logger.info({ providers: wired.configuredProviders }, 'cloud checkers configured');
  const topology = buildAvailabilityTopology({
    topics: config.topics,
    services: wired.services,
    ttlMs: config.cache.ttlSeconds * 1000,
    concurrency: config.checks.concurrencyPerProvider * 3,
    // lookup + rate-limit waits + every attempt of every application: the checks bound themselves
    sourceTimeoutMs: config.sources.timeoutMs * 3 + 30_000,
    retry: { maxAttempts: 3, initialBackoffMs: 2_000, maxBackoffMs: 30_000 },
    applicationId: config.kafka.groupId,
  });
  return topology;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, role, logger } = options;
  const brokers = config.kafka.brokers;
  const onRecordError = (error: RecordError, record: InputRecord) =>
    logger.warn({ code: error.code, reason: error.message, topic: record.topic, partition: record.partition, offset: record.offset, key: record.key }, 'record failed');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => { for (const s of stops.reverse()) await s().catch((err: Error) => logger.error({ err: err.message }, 'stop failed')); };

  try {
    if (!brokers) {
      if (role !== 'all') throw new Error(`--role ${role} needs KAFKA_BROKERS: the embedded log lives inside one process, so only --role all runs without Kafka`);
      const embedded = new EmbeddedRuntime(workerTopology(options), { partitions: 4, onRecordError });
      embedded.start();
      stops.push(() => embedded.stop());
      const ingress = await startIngress(options, async (topic, record) => {
        embedded.produce(topic, { key: record.key?.toString() ?? null, value: record.value, headers: headerRecord(record) });
      });
      stops.push(() => ingress.close());
      logger.info({ url: ingress.url, runtime: 'embedded' }, 'availability check running');
      return { ingress, embedded, stop };
    }

    const result: RunningService = { stop };
    if (role === 'all' || role === 'worker') {
      const runtime = new KafkaRuntime(workerTopology(options), { brokers, applicationId: config.kafka.groupId, clientId: config.kafka.clientId, onRecordError, logger });
      await runtime.start();
      stops.push(() => runtime.stop());
      logger.info({ brokers, group: config.kafka.groupId }, 'worker running on Kafka');
    }
    if (role === 'all' || role === 'ingress') {
      const producer = new AckedProducer({ brokers, clientId: `${config.kafka.clientId}-ingress` });
      await producer.connect();
      stops.push(() => producer.disconnect());
      const ingress = await startIngress(options, async (topic, record) => {
        await producer.send({ topic, key: record.key, value: record.value, headers: record.headers });
      });
      stops.push(() => ingress.close());
      result.ingress = ingress;
      logger.info({ url: ingress.url, brokers }, 'ingress running on Kafka');
    }
    return result;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startIngress(options: ServiceOptions, publish: (topic: string, record: KafkaRecord) => Promise<void>): Promise<ListeningIngress> {
  const { config, logger } = options;
  const { listener } = createIngress({ publish, limits: config.ingress, topics: config.topics, logger });
  return listenIngress(listener, { host: config.http.host, port: config.http.port });
}
