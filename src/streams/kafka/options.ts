// Options of the Kafka runtime: merged with defaults and checked once, then frozen. A bad value
// fails at construction with the option's name.
import type { RecordError } from '../dsl/errors.ts';
import type { StoreFactory } from '../store/store-factory.ts';
import { ttlTableFactory } from '../store/store-factory.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { InputRecord } from '../task/contract.ts';
import { KafkaRuntimeError } from './errors.ts';
import { PLAINTEXT, securityClientConfig, type KafkaSecurity } from './security.ts';

export type LibrdkafkaConfig = Record<string, string | number | boolean>;

/** What the runtime tells about itself; pino's logger fits. */
export interface RuntimeLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface KafkaRuntimeOptions {
  /** bootstrap.servers, e.g. "127.0.0.1:9092" */
  brokers: string;
  /** how every client authenticates and whom it trusts (default: plaintext) */
  security?: KafkaSecurity;
  /** consumer group id (default: the topology's applicationId) */
  applicationId?: string;
  /** client.id prefix (default: the application id) */
  clientId?: string;
  /** time for stores, mapAsync timeouts and backoff (default: the system clock) */
  clock?: Clock;
  /** default: the compact TTL table */
  storeFactory?: StoreFactory;
  /** pause a partition while it has this many unfinished records (default 1000) */
  maxUnfinishedPerPartition?: number;
  /** pause every partition while this many records are unfinished in total (default 10000) */
  maxUnfinished?: number;
  /** messages per consume call (default 500) */
  batchSize?: number;
  /** records read and waiting for room in their partition's task before it is paused (default 2000) */
  maxWaitingPerPartition?: number;
  /**
   * how long one consume call waits for the next message (default 5 ms). A batch ends at the
   * first gap this long, so this is also the delay a lone (priority) record can pick up.
   */
  consumeTimeoutMs?: number;
  /** how often finished offsets are committed (default 200 ms) */
  commitIntervalMs?: number;
  /** how often expired table entries are removed and tombstoned (default 1000 ms) */
  purgeIntervalMs?: number;
  /** on revoke, how long in-flight records of the revoked partitions may take to finish (default 5000 ms) */
  revokeGraceMs?: number;
  /** on stop, how long in-flight records may take to finish (default 10000 ms) */
  shutdownGraceMs?: number;
  /** how often the cluster is probed for health() (default 1000 ms) */
  healthIntervalMs?: number;
  /** partitions of source and sink topics the runtime creates when absent (default 1) */
  partitions?: number;
  /** create absent source and sink topics (default true; changelog topics are always created) */
  createTopics?: boolean;
  /** extra librdkafka properties for the group consumer and the producer */
  consumerConfig?: LibrdkafkaConfig;
  producerConfig?: LibrdkafkaConfig;
  onRecordError?: (error: RecordError, record: InputRecord) => void;
  /**
   * Told after every assignment and revocation: the partition groups this worker owns now and
   * those of the whole group (e.g. to take that share of a quota the workers split).
   */
  onOwnership?: (owned: number, total: number) => void;
  logger?: RuntimeLogger;
}

export interface ResolvedOptions {
  readonly brokers: string;
  readonly security: KafkaSecurity;
  readonly applicationId: string;
  readonly clientId: string;
  readonly clock: Clock;
  readonly storeFactory: StoreFactory;
  readonly maxUnfinishedPerPartition: number;
  readonly maxUnfinished: number;
  readonly batchSize: number;
  readonly maxWaitingPerPartition: number;
  readonly consumeTimeoutMs: number;
  readonly commitIntervalMs: number;
  readonly purgeIntervalMs: number;
  readonly revokeGraceMs: number;
  readonly shutdownGraceMs: number;
  readonly healthIntervalMs: number;
  readonly partitions: number;
  readonly createTopics: boolean;
  readonly consumerConfig: LibrdkafkaConfig;
  readonly producerConfig: LibrdkafkaConfig;
  readonly onRecordError: ((error: RecordError, record: InputRecord) => void) | undefined;
  readonly onOwnership: ((owned: number, total: number) => void) | undefined;
  readonly logger: RuntimeLogger;
}

const silentLogger: RuntimeLogger = { info() {}, warn() {}, error() {} };

const POSITIVE_INTEGERS = [
  ['maxUnfinishedPerPartition', 1000], ['maxUnfinished', 10_000], ['batchSize', 500], ['maxWaitingPerPartition', 2000], ['consumeTimeoutMs', 5],
  ['commitIntervalMs', 200], ['purgeIntervalMs', 1000], ['revokeGraceMs', 5000], ['shutdownGraceMs', 10_000],
  ['healthIntervalMs', 1000], ['partitions', 1],
] as const;

/**
 * The librdkafka settings every client of this service starts from (group consumer, producers,
 * restore consumer, admin): where the cluster is and how to reach it. The one place to add
 * connection settings; each client adds its own role's settings on top.
 */
export function baseClientConfig(brokers: string, security: KafkaSecurity = PLAINTEXT): LibrdkafkaConfig {
  return { 'bootstrap.servers': brokers, ...securityClientConfig(security) };
}

/** Defaults merged in, every value checked; throws KAFKA_INVALID_OPTION naming the bad one. */
export function resolveOptions(options: KafkaRuntimeOptions, topologyApplicationId: string): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object');
  if (typeof options.brokers !== 'string' || options.brokers.trim() === '') throw invalid('brokers', 'must be a non-empty "host:port[,host:port]" string');
  const applicationId = options.applicationId ?? topologyApplicationId;
  if (typeof applicationId !== 'string' || !/^[A-Za-z0-9._-]+$/.test(applicationId)) throw invalid('applicationId', `must be letters, digits, ".", "_" or "-", got ${JSON.stringify(applicationId)}`);
  const numbers: Record<string, number> = {};
  for (const [name, fallback] of POSITIVE_INTEGERS) {
    const value = options[name] ?? fallback;
    if (!Number.isInteger(value) || value < 1) throw invalid(name, `must be an integer >= 1, got ${String(value)}`);
    numbers[name] = value;
  }
  if (numbers.maxUnfinished! < numbers.maxUnfinishedPerPartition!) throw invalid('maxUnfinished', 'must be >= maxUnfinishedPerPartition');
  return Object.freeze({
    brokers: options.brokers,
    security: options.security ?? PLAINTEXT,
    applicationId,
    clientId: options.clientId ?? applicationId,
    clock: options.clock ?? systemClock,
    storeFactory: options.storeFactory ?? ttlTableFactory,
    maxUnfinishedPerPartition: numbers.maxUnfinishedPerPartition!,
    maxUnfinished: numbers.maxUnfinished!,
    batchSize: numbers.batchSize!,
    maxWaitingPerPartition: numbers.maxWaitingPerPartition!,
    consumeTimeoutMs: numbers.consumeTimeoutMs!,
    commitIntervalMs: numbers.commitIntervalMs!,
    purgeIntervalMs: numbers.purgeIntervalMs!,
    revokeGraceMs: numbers.revokeGraceMs!,
    shutdownGraceMs: numbers.shutdownGraceMs!,
    healthIntervalMs: numbers.healthIntervalMs!,
    partitions: numbers.partitions!,
    createTopics: options.createTopics ?? true,
    consumerConfig: Object.freeze({ ...options.consumerConfig }),
    producerConfig: Object.freeze({ ...options.producerConfig }),
    onRecordError: options.onRecordError,
    onOwnership: options.onOwnership,
    logger: options.logger ?? silentLogger,
  });
}

function invalid(name: string, why: string): KafkaRuntimeError {
  return new KafkaRuntimeError('KAFKA_INVALID_OPTION', `KafkaRuntime option ${name}: ${why}`);
}
