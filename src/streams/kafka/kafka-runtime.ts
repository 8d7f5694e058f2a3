// Runs a built Topology on a Kafka cluster, at least once. The pieces (after Kafka Streams):
// - client-supplier.ts: the clients, passed in (node-rdkafka by default, fakes in unit tests);
// - stream-thread.ts: the poll loop and flow control (priority first, backpressure by pausing);
// - task-manager.ts: one task per partition group (partition i of every source topic, table
//   shard i, changelog partition i), created, restored, suspended and closed on rebalances;
// - record-collector.ts: outputs and changelog writes through the acked producer;
// - offset-commits.ts: commits of each input partition's finished prefix.
// This class starts and stops them and answers health(), counters(), lag().
import { describeError } from '../dsl/errors.ts';
import type { Topology } from '../dsl/topology.ts';
import type { InputRecord } from '../task/contract.ts';
import type { HealthStatus, PartitionLag, RuntimeCounters, RuntimeHealth, WorkerRuntime } from '../worker-runtime.ts';
import { TopologyObserver } from '../task/topology-observer.ts';
import type { ShardRestorer } from './changelog-restorer.ts';
import type { GroupConsumer, KafkaClientSupplier, RecordProducer } from './client-supplier.ts';
import { ClusterReachability } from './cluster-reachability.ts';
import { KafkaRuntimeError } from './errors.ts';
import { resolveOptions, type KafkaRuntimeOptions, type ResolvedOptions } from './options.ts';
import { rdkafkaClientSupplier } from './rdkafka-clients.ts';
import { RecordCollector } from './record-collector.ts';
import { StreamThread } from './stream-thread.ts';
import { TaskManager } from './task-manager.ts';

/** The clients the runtime made (some are missing while it starts, or when its start failed). */
interface Clients {
  consumer: GroupConsumer;
  producer: RecordProducer;
  restorer: ShardRestorer;
}

/**
 * @example
 *   const runtime = new KafkaRuntime(topology, { brokers: '127.0.0.1:9092' });
 *   await runtime.start();
 *   runtime.health();   // { status: 'healthy', ... }
 *   await runtime.stop(); // stop fetching, drain (bounded), commit, close
 */
export class KafkaRuntime implements WorkerRuntime {
  readonly kind = 'kafka';
  readonly topology: Topology;
  readonly options: ResolvedOptions;
  /** per-node counts and outputs of every task this runtime runs (metrics, logs, the topology page) */
  readonly observer = new TopologyObserver();
  readonly #supplier: KafkaClientSupplier;
  readonly #reachability: ClusterReachability;
  #clients: Partial<Clients> = {};
  #tasks: TaskManager | undefined;
  #thread: StreamThread | undefined;
  #status: HealthStatus = 'starting';
  #started = false;
  #running = false;
  #stopped: Promise<void> | undefined;
  #timers: NodeJS.Timeout[] = [];
  #failure: Error | undefined;
  #rebalances = 0;
  /** partition count of the source topics: the number of partition groups of the whole group */
  #partitionGroups = 0;

  constructor(topology: Topology, options: KafkaRuntimeOptions, supplier?: KafkaClientSupplier) {
    this.topology = topology;
    this.options = resolveOptions(options, topology.applicationId);
    this.#supplier = supplier ?? rdkafkaClientSupplier(this.options);
    this.#reachability = new ClusterReachability(this.options.logger);
  }

  /**
   * Creates missing topics, connects, joins the group. Resolves once the consumer is subscribed;
   * on failure, closes whatever it had opened and rejects (KAFKA_CONNECT_FAILED, KAFKA_PARTITION_MISMATCH, ...).
   */
  async start(): Promise<void> {
    if (this.#started) throw new KafkaRuntimeError('KAFKA_NOT_RUNNING', 'start() was already called');
    this.#started = true;
    try {
      await this.#start();
    } catch (error) {
      this.#status = 'stopped';
      this.#running = false;
      await this.#closeClients();
      throw error;
    }
  }

  async #start(): Promise<void> {
    const o = this.options;
    this.#partitionGroups = await this.#supplier.prepareTopics(this.topology);
    const producer = this.#supplier.producer();
    this.#clients.producer = producer;
    await producer.connect();
    producer.onClientError((err) => this.#reachability.clientError('producer', err));
    const restorer = this.#supplier.restorer();
    this.#clients.restorer = restorer;
    const tasks = new TaskManager({
      topology: this.topology, options: o, collector: new RecordCollector(producer), restorer, observer: this.observer,
      onSettled: this.#onSettled,
      onReady: () => this.#thread?.scheduleFlow(),
      onContact: () => this.#reachability.contact(),
      running: () => this.#running,
    });
    this.#tasks = tasks;
    const consumer = this.#supplier.groupConsumer({
      assigned: (partitions) => {
        this.#rebalances++;
        tasks.assigned(partitions);
        this.#tellOwnership();
        this.#learnCommitted(consumer, partitions);
        this.#thread?.scheduleFlow();
      },
      revoked: async (partitions) => {
        this.#rebalances++;
        await tasks.revoked(partitions, consumer);
        this.#tellOwnership();
      },
      commitAcknowledged: (err, offsets) => tasks.commits.acknowledged(err, offsets),
      clientError: (err) => this.#reachability.clientError('consumer', err),
    });
    this.#clients.consumer = consumer;
    await consumer.connect();
    this.#reachability.contact();
    consumer.subscribe(this.topology.sourceTopicsByPriority());
    const thread = new StreamThread({ options: o, consumer, tasks, failed: () => this.#failure !== undefined, fail: (error) => this.#fail(error) });
    this.#thread = thread;
    this.#running = true;
    this.#status = 'healthy';
    thread.start();
    this.#every(o.commitIntervalMs, () => { if (this.#running) tasks.commits.commitAsync(consumer); });
    this.#every(o.purgeIntervalMs, () => { if (this.#running && !this.#failure) tasks.purgeExpired(); });
    const probeTimeout = Math.max(500, Math.min(o.healthIntervalMs * 2, 5000));
    this.#every(o.healthIntervalMs, () => { if (this.#running) this.#reachability.probe(consumer, this.topology.sources[0]!.topic, probeTimeout); });
    o.logger.info({ group: o.applicationId, topics: this.topology.sourceTopicsByPriority() }, 'kafka runtime started');
  }

  /** Stops fetching, lets in-flight records finish (at most shutdownGraceMs), commits, closes. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  health(): RuntimeHealth {
    let paused = 0;
    let unfinished = 0;
    let restoring = 0;
    for (const input of this.#tasks?.inputs.values() ?? []) if (input.paused) paused++;
    for (const group of this.#tasks?.tasks.values() ?? []) {
      unfinished += group.task.unfinished();
      if (group.state === 'restoring' || group.state === 'resuming') restoring++;
    }
    let status = this.#status;
    let reason: string | undefined;
    if (this.#failure) {
      status = 'failed';
      reason = this.#failure.message;
    } else if (status === 'healthy' && !this.#reachability.reachable) {
      status = 'unhealthy';
      reason = this.#reachability.reason ?? 'the cluster cannot be reached';
    }
    return {
      status, healthy: status === 'healthy', ...(reason ? { reason } : {}), joined: this.#rebalances > 0, lastContactAt: this.#reachability.lastContactAt,
      assignedPartitions: this.#tasks?.inputs.size ?? 0, pausedPartitions: paused, restoringShards: restoring, unfinished,
    };
  }

  /** Counters since start, over every task this runtime ran (closed ones included). */
  counters(): RuntimeCounters {
    const tasks = this.#tasks;
    const metrics = tasks?.metrics() ?? { processed: 0, finished: 0, sent: 0, deadLettered: 0, dropped: 0, storeWrites: 0 };
    return {
      ...metrics,
      consumed: this.#thread?.consumed ?? 0,
      commits: tasks?.commits.count ?? 0,
      rebalances: this.#rebalances,
      restored: this.#clients.restorer?.restored ?? 0,
      expired: tasks?.expired ?? 0,
      resumed: tasks?.resumed ?? 0,
      splitGroups: tasks?.splitGroups ?? 0,
    };
  }

  /** The error that failed the runtime (an output or changelog write was refused), if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Consumer lag of every input partition this worker owns: the end offset the consumer last saw
   * minus the group's committed offset (Kafka's definition, the embedded runtime's too).
   * Partitions not fetched yet are left out.
   */
  lag(): PartitionLag[] {
    const consumer = this.#clients.consumer;
    if (!consumer || !this.#tasks) return [];
    const out: PartitionLag[] = [];
    for (const input of this.#tasks.inputs.values()) {
      const high = consumer.highWatermark(input.topic, input.partition);
      if (high === undefined) continue;
      const base = input.committed >= 0 ? input.committed : 0;
      out.push({ topic: input.topic, partition: input.partition, lag: Math.max(0, high - base) });
    }
    return out;
  }

  /** Input partitions this worker owns now, as "topic[partition]". */
  assignment(): string[] {
    return [...(this.#tasks?.inputs.keys() ?? [])].sort();
  }

  /** Partition groups (tasks) this worker owns now. */
  ownedTasks(): number[] {
    return [...(this.#tasks?.tasks.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Partition groups of the whole consumer group (the source topics' partition count; 0 before start). */
  get partitionGroups(): number {
    return this.#partitionGroups;
  }

  /** The store `name` of table shard `partition`, while this worker owns it. */
  store(name: string, partition: number) {
    return this.#tasks?.tasks.get(partition)?.stores[name];
  }

  // made once: the per-record path allocates no closures of its own
  readonly #onSettled = (_record: InputRecord, error?: Error): void => {
    if (error) this.#fail(error);
    else this.#thread?.scheduleFlow();
  };

  /** Asks the group coordinator for the committed offsets of new partitions (for lag()). */
  #learnCommitted(consumer: GroupConsumer, partitions: readonly { topic: string; partition: number }[]): void {
    if (partitions.length === 0) return;
    consumer.committed(partitions, 10_000).then((offsets) => {
      for (const c of offsets) {
        const input = this.#tasks?.inputs.get(`${c.topic}[${c.partition}]`);
        if (input && c.offset > input.committed) input.committed = c.offset;
      }
    }, () => undefined); // lag() counts from 0 until the first commit of this worker
  }

  #tellOwnership(): void {
    try {
      this.options.onOwnership?.(this.#tasks?.tasks.size ?? 0, this.#partitionGroups);
    } catch (error) {
      this.options.logger.warn({ err: describeError(error) }, 'onOwnership threw');
    }
  }

  #fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = new KafkaRuntimeError('KAFKA_TASK_FAILED', `an output was not acknowledged: ${describeError(error)}`, { cause: error });
    this.options.logger.error({ err: describeError(error) }, 'kafka runtime failed: stop it and start again from the last commit');
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  async #closeClients(): Promise<void> {
    const { consumer, restorer, producer } = this.#clients;
    await consumer?.close().catch(() => undefined);
    await restorer?.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  async #stop(): Promise<void> {
    if (!this.#started) {
      this.#status = 'stopped';
      return;
    }
    this.#status = 'stopping';
    this.#running = false;
    await this.#thread?.stop();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    const consumer = this.#clients.consumer;
    const inputs = [...this.#tasks?.inputs.values() ?? []];
    try {
      if (consumer && inputs.length > 0) consumer.pause(inputs);
    } catch {
      // not assigned any more
    }
    await this.#tasks?.closeAll(consumer);
    await this.#closeClients();
    this.#status = 'stopped';
    this.options.logger.info({}, 'kafka runtime stopped');
  }
}
