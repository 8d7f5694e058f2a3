// Assembles the running service from configuration: the ingress, the worker topology, and the
// log between them: the embedded in-process log when no brokers are configured (one process,
// role "all"), Kafka otherwise (roles may run in separate processes and scale apart). Every
// process also serves METRICS_PORT: /metrics, /healthz, /readyz and, with a worker, the live
// topology page /topology.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CheckersOptions } from '../checks/index.ts';
import type { Config } from '../config/index.ts';
import { headerMap, type KafkaRecord } from '../contract/index.ts';
import type { RequestHandler } from 'express';
import { listenHttp, type ListeningServer } from '../http/listen.ts';
import { createIngress, createIngressMetrics } from '../ingress/index.ts';
import type { RecordError } from '../streams/dsl/errors.ts';
import type { Topology } from '../streams/dsl/topology.ts';
import { createCheckMetrics, listenMetricsServer, registerWorkerMetrics, type CacheNodes, type Probe, type ProbeResult } from '../metrics/index.ts';
import type { CheckLimiter } from '../ratelimit/index.ts';
import { EmbeddedRuntime } from '../streams/embedded/index.ts';
import { KafkaRuntime } from '../streams/kafka/index.ts';
import type { InputRecord } from '../streams/task/index.ts';
import { createTopologyPageRoutes } from '../topology-page/index.ts';
import { buildAvailabilityTopology, CACHE_BRANCHES } from '../../topology/availability-check.ts';
import { createAvailabilityServices, type ServiceHooks } from '../worker/wire-services.ts';
import type { Logger } from './logger.ts';
import { logAttempt, withUnaddressableLog } from './check-log.ts';
import { logOutputs, requestIdOf } from './output-log.ts';
import { connectIngressProducer } from './ingress-producer.ts';
import { kafkaStartError } from './kafka-start-error.ts';
import { combineProbes } from './probes.ts';
import { workerView, type WorkerView } from './worker-view.ts';

export const ROLES = ['all', 'ingress', 'worker'] as const;
/**
 * How long a stop lets work in flight finish: the ingress's answers and the worker's records,
 * side by side. Past it the ingress cuts its connections and the worker commits what finished.
 */
export const SHUTDOWN_GRACE_MS = 10_000;
export type Role = (typeof ROLES)[number];

/** The availability topology's branches that mean a results-table hit, a miss and a bypass. */
export const AVAILABILITY_CACHE_NODES: CacheNodes = { hit: CACHE_BRANCHES.hit, miss: [CACHE_BRANCHES.miss], bypass: [CACHE_BRANCHES.bypass] };

export interface ServiceOptions {
  config: Config;
  role: Role;
  logger: Logger;
  /** checker options instead of the ones from configuration (the demo points them at emulators) */
  checkers?: CheckersOptions;
}

export interface RunningService {
  /** where the ingress listens, when this process runs it */
  ingress?: ListeningServer;
  /** the embedded runtime, when no brokers are configured */
  embedded?: EmbeddedRuntime;
  /** the Kafka runtime, when this process runs the worker on Kafka */
  kafka?: KafkaRuntime;
  /** METRICS_PORT: /metrics, /healthz, /readyz, /topology, /topology/stats */
  metrics: ListeningServer;
  /** every metric of this process */
  registry: Registry;
  /**
   * At once: the ingress unready and no longer accepting, the worker no longer fetching; then both
   * drain side by side for at most SHUTDOWN_GRACE_MS, and everything closes. Idempotent.
   */
  stop(): Promise<void>;
}


function workerTopology(options: ServiceOptions, hooks: ServiceHooks): { topology: Topology; limiter: CheckLimiter } {
  const { config } = options;
  const wired = createAvailabilityServices(config, options.checkers, hooks);
  options.logger.info({ providers: wired.configuredProviders }, 'cloud checkers configured');
  const topology = buildAvailabilityTopology({
    topics: config.topics,
    services: withUnaddressableLog(wired.services, options.logger),
    ttlMs: config.cache.ttlSeconds * 1000,
    concurrency: config.checks.concurrencyPerProvider * 3,
    // lookup + rate-limit waits + every attempt of every application: the checks bound themselves
    sourceTimeoutMs: config.sources.timeoutMs * 3 + 30_000,
    retry: { maxAttempts: 3, initialBackoffMs: 2_000, maxBackoffMs: 30_000 },
    applicationId: config.kafka.groupId,
  });
  return { topology, limiter: wired.limiter };
}

/** Metrics, output log lines and the live page of a running worker; returns the page's routes. */
async function observeWorker(options: ServiceOptions, registry: Registry, view: WorkerView, limiter: CheckLimiter): Promise<{ routes: Record<string, RequestHandler>; stopLogging: () => void }> {
  const { topology } = view;
  const cacheNodesExist = [AVAILABILITY_CACHE_NODES.hit, ...AVAILABILITY_CACHE_NODES.miss].every((name) => topology.nodes.has(name));
  registerWorkerMetrics(registry, {
    ...view, nodes: [...topology.nodes.keys()], limiter, ...(cacheNodesExist ? { cache: AVAILABILITY_CACHE_NODES } : {}),
  });
  const stopLogging = logOutputs(view.observer, options.logger, options.config.topics);
  const routes = await createTopologyPageRoutes({ topology, observer: view.observer, lag: () => view.lag() });
  return { routes, stopLogging };
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, role, logger } = options;
  const brokers = config.kafka.brokers;
  const onRecordError = (error: RecordError, record: InputRecord) =>
    logger.warn({ code: error.code, reason: error.message, requestId: requestIdOf(record), topic: record.topic, partition: record.partition, offset: record.offset, key: record.key }, 'record failed');
  // drains run side by side first (the ingress's answers, the worker's records); then the
  // closers, last registered first
  const drains: Array<() => Promise<void>> = [];
  const stops: Array<() => Promise<void>> = [];
  const failed = (err: Error) => logger.error({ err: err.message }, 'stop failed');
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all(drains.map((drain) => drain().catch(failed)));
      for (const s of stops.reverse()) await s().catch(failed);
    })();
    return stopping;
  };

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const checkMetrics = createCheckMetrics(registry);
  const ingressMetrics = createIngressMetrics(registry);
  const logCheck = logAttempt(logger);
  const hooks: ServiceHooks = { onAttempt: (report) => { checkMetrics.observeAttempt(report); logCheck(report); }, onOutcome: checkMetrics.observeOutcome };
  const live: Record<string, Probe> = {};
  const ready: Record<string, Probe> = {};
  let routes: Record<string, RequestHandler> = {};
  const result: Partial<RunningService> = {};

  try {
    if (!brokers && role !== 'all') throw new Error(`--role ${role} needs KAFKA_BROKERS: the embedded log lives inside one process, so only --role all runs without Kafka`);
    if (role === 'all' || role === 'worker') {
      const { topology, limiter } = workerTopology(options, hooks);
      let runtime: KafkaRuntime | EmbeddedRuntime;
      if (brokers) {
        // the configured quotas are the deployment's: each worker takes the share of the partition groups it owns
        limiter.setQuotaShare(0);
        const onOwnership = (owned: number, total: number) => limiter.setQuotaShare(total > 0 ? owned / total : 0);
        runtime = result.kafka = new KafkaRuntime(topology, {
          brokers, security: config.kafka.security, applicationId: config.kafka.groupId, clientId: config.kafka.clientId, onRecordError, onOwnership, logger,
          shutdownGraceMs: SHUTDOWN_GRACE_MS,
        });
      } else {
        runtime = result.embedded = new EmbeddedRuntime(topology, { partitions: 4, onRecordError });
      }
      try {
        await runtime.start();
      } catch (err) {
        throw brokers ? kafkaStartError('the worker', brokers, err) : err;
      }
      drains.push(() => runtime.stop());
      const view = workerView(runtime);
      const observed = await observeWorker(options, registry, view, limiter);
      stops.push(async () => observed.stopLogging());
      routes = observed.routes;
      live.worker = view.live;
      ready.worker = view.ready;
      logger.info({ runtime: runtime.kind, ...(brokers ? { brokers, group: config.kafka.groupId } : {}) }, 'worker running');
    }
    if (role === 'all' || role === 'ingress') {
      const embedded = result.embedded;
      let publish: (topic: string, record: KafkaRecord) => Promise<void>;
      let canPublish: () => ProbeResult = () => READY;
      if (embedded) {
        publish = async (topic, record) => {
          embedded.produce(topic, { key: record.key?.toString() ?? null, value: record.value, headers: headerMap(record.headers) });
        };
      } else {
        const producer = await connectIngressProducer({ brokers: brokers!, security: config.kafka.security, clientId: `${config.kafka.clientId}-ingress`, probeTopic: config.topics.requests, logger });
        stops.push(() => producer.disconnect());
        publish = producer.publish;
        canPublish = producer.ready;
      }
      const { ingress, ready: ingressReady } = await startIngress(options, ingressMetrics, publish, canPublish);
      ready.ingress = ingressReady;
      // the ingress stops accepting in the same turn as the worker stops fetching
      drains.unshift(() => ingress.close(SHUTDOWN_GRACE_MS));
      result.ingress = ingress;
      logger.info({ url: ingress.url, runtime: embedded ? 'embedded' : 'kafka', ...(brokers ? { brokers } : {}) }, 'ingress running');
    }
    if (result.ingress) {
      live.ingress = () => ({ ok: true, status: 'live', url: result.ingress?.url });
    }
    const metrics = await listenMetricsServer({
      host: config.http.host, port: config.http.metricsPort, registry, routes,
      live: combineProbes(live, 'live'), ready: combineProbes(ready, 'ready'),
    });
    stops.push(() => metrics.close(0)); // scrapes are not worth waiting for
    logger.info({ url: metrics.url, paths: ['/metrics', '/healthz', '/readyz', ...Object.keys(routes)] }, 'metrics server listening');
    return { ...result, metrics, registry, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const READY: ProbeResult = { ok: true, status: 'ready' };
const STOPPING: ProbeResult = { ok: false, status: 'stopping', reason: 'the ingress is stopping' };

/** The ingress and its readiness: ready while `canPublish` says so, unready from the stop on. */
async function startIngress(options: ServiceOptions, metrics: ReturnType<typeof createIngressMetrics>, publish: (topic: string, record: KafkaRecord) => Promise<void>, canPublish: () => ProbeResult): Promise<{ ingress: ListeningServer; ready: Probe }> {
  const { config, logger } = options;
  // /readyz is served only once listening, so `ingress` is set whenever `ready` runs
  const ready = (): ProbeResult => ({ ...(ingress.closing ? STOPPING : canPublish()), url: ingress.url });
  const { listener } = createIngress({ publish, limits: config.ingress, topics: config.topics, logger, metrics, ready: () => ready().ok });
  const ingress = await listenHttp(listener, { host: config.http.host, port: config.http.port, name: 'the ingress' });
  return { ingress, ready };
}
