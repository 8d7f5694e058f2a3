// Runs a built Topology on a Kafka cluster (node-rdkafka), at least once:
// - one consumer group (the application id), cooperative-sticky assignment, manual commits of
//   each partition's contiguous finished prefix (TopologyTask.committableOffsets);
// - one TopologyTask per assigned input partition (Kafka Streams' task model), so a revoked
//   partition's in-flight work can be finished or abandoned on its own;
// - table shard i (restored from changelog partition i) shared by input partitions numbered i;
//   an input partition is paused until its shard is restored;
// - backpressure and priority by pausing partitions (flow-control.ts);
// - an idempotent producer whose acknowledgements finish records (AckedProducer);
// - health(): unhealthy while the cluster cannot be reached, failed when an output was refused.
import Kafka from 'node-rdkafka';
import { describeError } from '../../dsl/errors.ts';
import type { Topology } from '../../dsl/topology.ts';
import type { ChangelogPort, InputRecord, ProducerPort, TaskMetrics } from '../task/contract.ts';
import { TopologyObserver } from '../task/topology-observer.ts';
import { TopologyTask } from '../task/topology-task.ts';
import { AckedProducer } from './acked-producer.ts';
import { releaseClient } from './admin.ts';
import { AssignedPartition, partitionKey } from './assigned-partition.ts';
import { ChangelogRestorer } from './changelog-restorer.ts';
import { ClusterReachability } from './cluster-reachability.ts';
import { KafkaRuntimeError } from './errors.ts';
import { partitionsToPause, type PartitionFlowState } from './flow-control.ts';
import { fromKafkaHeaders, toKafkaHeaders } from './headers.ts';
import { resolveOptions, type KafkaRuntimeOptions, type ResolvedOptions } from './options.ts';
import { OffsetCommits } from './offset-commits.ts';
import { prepareTopics } from './prepare-topics.ts';
import { TableShards } from './table-shards.ts';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'failed' | 'stopping' | 'stopped';

export interface RuntimeHealth {
  readonly status: HealthStatus;
  readonly healthy: boolean;
  /** why it is not healthy */
  readonly reason?: string;
  /** last successful metadata round trip, ms since epoch (0: never) */
  readonly lastContactAt: number;
  readonly assignedPartitions: number;
  readonly pausedPartitions: number;
  readonly restoringShards: number;
  readonly unfinished: number;
}

/** Records of an input partition this worker owns that are not finished: end offset − committed. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

export interface RuntimeCounters extends TaskMetrics {
  /** messages read from the source topics (duplicates after a rebalance included) */
  consumed: number;
  commits: number;
  rebalances: number;
  /** changelog records applied to table shards */
  restored: number;
  /** tombstones written for expired entries */
  expired: number;
}

const ASSIGN = Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS;
const REVOKE = Kafka.CODES.ERRORS.ERR__REVOKE_PARTITIONS;

/**
 * @example
 *   const runtime = new KafkaRuntime(topology, { brokers: '127.0.0.1:9092' });
 *   await runtime.start();
 *   runtime.health();   // { status: 'healthy', ... }
 *   await runtime.stop(); // stop fetching, drain (bounded), commit, close
 */
export class KafkaRuntime {
  readonly topology: Topology;
  readonly options: ResolvedOptions;
  /** per-node counts and outputs of every task this runtime runs (metrics, logs, the topology page) */
  readonly observer = new TopologyObserver();
  readonly #priorityTopics: ReadonlySet<string>;
  readonly #assigned = new Map<string, AssignedPartition>();
  readonly #closedMetrics: RuntimeCounters = emptyCounters();
  #consumer: Kafka.KafkaConsumer | undefined;
  #producer: AckedProducer | undefined;
  #restorer: ChangelogRestorer | undefined;
  #shards: TableShards | undefined;
  #status: HealthStatus = 'starting';
  #started = false;
  #running = false;
  #loopDone: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | undefined;
  #timers: NodeJS.Timeout[] = [];
  #flowScheduled = false;
  #failure: Error | undefined;
  readonly #reachability: ClusterReachability;
  readonly #commits: OffsetCommits;
  #counters = { consumed: 0, rebalances: 0, expired: 0 };
  #lastConsumeError = '';
  #lastConsumeErrorAt = 0;

  constructor(topology: Topology, options: KafkaRuntimeOptions) {
    this.topology = topology;
    this.options = resolveOptions(options, topology.applicationId);
    this.#priorityTopics = new Set(topology.sources.filter((s) => s.priority).map((s) => s.topic));
    this.#reachability = new ClusterReachability(this.options.logger);
    this.#commits = new OffsetCommits(this.#assigned, this.options.logger, () => this.#reachability.contact());
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
      const consumer = this.#consumer;
      if (consumer) await releaseClient(consumer);
      await this.#restorer?.close().catch(() => undefined);
      await this.#producer?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async #start(): Promise<void> {
    const o = this.options;
    await prepareTopics(this.topology, o.brokers, o);
    const producer = new AckedProducer({
      brokers: o.brokers,
      clientId: `${o.clientId}-producer`,
      // Kafka's (Java) default partitioner, so keys land where the embedded log and Java clients put them
      topicConfig: { partitioner: 'murmur2_random' },
      librdkafka: {
        // ride out a broker restart: deliveries wait and are retried (idempotently) this long
        'message.timeout.ms': 300_000,
        ...o.producerConfig,
      },
    });
    await producer.connect();
    this.#producer = producer;
    producer.client.on('event.error', (err) => this.#reachability.clientError('producer', err));
    const restorer = new ChangelogRestorer({ brokers: o.brokers, clientId: o.clientId });
    this.#restorer = restorer;
    this.#shards = new TableShards({
      topology: this.topology, clock: o.clock, storeFactory: o.storeFactory, restorer,
      onRestored: (partition, records, ms) => {
        o.logger.info({ partition, records, ms }, 'table shard restored');
        this.#scheduleFlow();
      },
      onRestoreError: (partition, error) => {
        o.logger.warn({ partition, err: describeError(error) }, 'table shard restore failed; retrying');
        const timer = setTimeout(() => { if (this.#running) this.#shards?.retry(partition); this.#scheduleFlow(); }, 1000);
        timer.unref();
      },
    });
    const consumer = new Kafka.KafkaConsumer({
      'bootstrap.servers': o.brokers,
      'group.id': o.applicationId,
      'client.id': `${o.clientId}-consumer`,
      'partition.assignment.strategy': 'cooperative-sticky',
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      // a small prefetch: what sits in librdkafka's queue is served before a priority record
      'queued.min.messages': 1000,
      'fetch.wait.max.ms': 100,
      // librdkafka waits this long to fetch again once its queue was full (default 1 s: a stall)
      'fetch.queue.backoff.ms': 10,
      'socket.keepalive.enable': true,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1000,
      rebalance_cb: (err: Kafka.LibrdKafkaError, assignment: Kafka.Assignment[]) => this.#onRebalance(err, assignment),
      offset_commit_cb: (err: Kafka.LibrdKafkaError | undefined, offsets: Kafka.TopicPartitionOffset[]) => this.#commits.acknowledged(err, offsets),
      ...o.consumerConfig,
    }, { 'auto.offset.reset': 'earliest' });
    consumer.on('event.error', (err) => this.#reachability.clientError('consumer', err));
    await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (err) => (err
      ? reject(new KafkaRuntimeError('KAFKA_CONNECT_FAILED', `consumer connect: ${err.message}`, { cause: err }))
      : resolve())));
    consumer.setDefaultConsumeTimeout(o.consumeTimeoutMs);
    this.#consumer = consumer;
    this.#reachability.contact();
    consumer.subscribe(this.topology.sourceTopicsByPriority());
    this.#running = true;
    this.#status = 'healthy';
    this.#loopDone = this.#loop();
    this.#every(o.commitIntervalMs, () => { if (this.#running) this.#commits.commitAsync(consumer); });
    this.#every(o.purgeIntervalMs, () => this.#purgeExpired());
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
    for (const ap of this.#assigned.values()) {
      if (ap.paused) paused++;
      unfinished += ap.task.unfinished();
    }
    let restoring = 0;
    for (const shard of this.#shards?.values() ?? []) if (shard.state === 'restoring') restoring++;
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
      status, healthy: status === 'healthy', ...(reason ? { reason } : {}), lastContactAt: this.#reachability.lastContactAt,
      assignedPartitions: this.#assigned.size, pausedPartitions: paused, restoringShards: restoring, unfinished,
    };
  }

  /** Counters since start, over every task this runtime ran (revoked partitions' included). */
  counters(): RuntimeCounters {
    const out = { ...this.#closedMetrics, ...this.#counters, commits: this.#commits.count, restored: this.#restorer?.restored ?? 0 };
    for (const key of TASK_METRICS) out[key] = this.#closedMetrics[key];
    for (const ap of this.#assigned.values()) addMetrics(out, ap.task.metrics);
    return out;
  }

  /** The error that failed the runtime (an output or changelog write was refused), if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Consumer lag of every input partition this worker owns: the end offset librdkafka last saw
   * minus the group's committed offset (Kafka's definition, the embedded runtime's too).
   * Partitions not fetched yet are left out.
   */
  lag(): PartitionLag[] {
    const consumer = this.#consumer;
    if (!consumer) return [];
    const out: PartitionLag[] = [];
    for (const ap of this.#assigned.values()) {
      let high: number;
      try {
        high = consumer.getWatermarkOffsets(ap.topic, ap.partition).highOffset;
      } catch {
        continue;
      }
      if (!(high >= 0)) continue;
      const base = ap.committed >= 0 ? ap.committed : 0;
      out.push({ topic: ap.topic, partition: ap.partition, lag: Math.max(0, high - base) });
    }
    return out;
  }

  /** Input partitions this worker owns now, as "topic[partition]". */
  assignment(): string[] {
    return [...this.#assigned.keys()].sort();
  }

  /** The store `name` of table shard `partition`, while this worker owns it. */
  store(name: string, partition: number) {
    return this.#shards?.get(partition)?.stores[name];
  }

  // ---- consuming ----

  async #loop(): Promise<void> {
    const consumer = this.#consumer!;
    while (this.#running) {
      let messages: Kafka.Message[] = [];
      try {
        messages = await new Promise<Kafka.Message[]>((resolve, reject) =>
          consumer.consume(this.options.batchSize, (err, batch) => (err ? reject(err) : resolve(batch))));
      } catch (error) {
        if (!this.#running) break;
        // while the cluster is away this repeats every 100 ms: say it once per 10 s
        const message = describeError(error);
        if (message !== this.#lastConsumeError || Date.now() - this.#lastConsumeErrorAt > 10_000) {
          this.#lastConsumeError = message;
          this.#lastConsumeErrorAt = Date.now();
          this.options.logger.warn({ err: message }, 'consume failed; retrying');
        }
        await sleep(100);
      }
      // a batch comes in runs of one partition: look the partition up once per run
      let ap: AssignedPartition | undefined;
      for (const message of messages) {
        if (!ap || ap.partition !== message.partition || ap.topic !== message.topic) ap = this.#assigned.get(partitionKey(message.topic, message.partition));
        if (ap) this.#deliver(ap, message);
      }
      this.#flow();
    }
  }

  #deliver(ap: AssignedPartition, message: Kafka.Message): void {
    // being revoked: the next owner reads it again from the commit
    if (ap.revoking || this.#failure) return;
    if (message.offset < ap.next) return; // read twice (a resume raced a batch): already handed over
    ap.next = message.offset + 1;
    this.#counters.consumed++;
    const key = message.key === null || message.key === undefined ? null : typeof message.key === 'string' ? message.key : message.key.toString('utf8');
    // every record waits in its partition's queue; the flow pass hands it over within the bounds
    ap.hold({
      topic: message.topic, partition: message.partition, offset: message.offset, key, value: message.value ?? null,
      headers: fromKafkaHeaders(message.headers), timestamp: message.timestamp ?? Date.now(),
    });
  }

  #process(ap: AssignedPartition, record: InputRecord): void {
    try {
      // no promise per record: the task tells #onSettled
      ap.task.submit(record);
    } catch (error) {
      this.#fail(error);
    }
  }

  // made once: the per-record path allocates no closures of its own
  readonly #onSettled = (_record: InputRecord, error?: Error): void => {
    if (error) this.#fail(error);
    else this.#scheduleFlow();
  };

  #scheduleFlow(): void {
    if (this.#flowScheduled || !this.#running) return;
    this.#flowScheduled = true;
    setImmediate(() => {
      this.#flowScheduled = false;
      this.#flow();
    });
  }

  /**
   * Hands read records to their tasks within the bounds (priority partitions first; normal ones
   * only while no priority partition has lag), then pauses/resumes partitions to match.
   */
  #flow(): void {
    const consumer = this.#consumer;
    if (!consumer || !this.#running) return;
    const { maxUnfinishedPerPartition, maxUnfinished } = this.options;
    let total = 0;
    const live: AssignedPartition[] = [];
    for (const ap of this.#assigned.values()) {
      if (ap.revoking) continue;
      if (ap.shard.state === 'dropped') ap.shard = this.#shards!.acquire(ap.partition, ap.key);
      total += ap.task.unfinished();
      live.push(ap);
    }
    live.sort((a, b) => Number(b.priority) - Number(a.priority));
    const states: PartitionFlowState[] = [];
    let priorityLag = false;
    for (const ap of live) {
      const ready = ap.shard.state === 'ready' && !this.#failure;
      if (ready && ap.waiting > 0 && (ap.priority || !priorityLag)) {
        while (ap.waiting > 0 && ap.task.unfinished() < maxUnfinishedPerPartition && (ap.priority || total < maxUnfinished)) {
          this.#process(ap, ap.takeHeld()!);
          total++;
        }
      }
      const lag = ap.priority ? this.#lag(consumer, ap) : 0;
      if (ready && lag > 0) priorityLag = true;
      states.push({ key: ap.key, priority: ap.priority, ready, paused: ap.paused, unfinished: ap.task.unfinished(), held: ap.waiting, lag });
    }
    const pause = partitionsToPause(states, { maxUnfinishedPerPartition, buffer: this.options.maxWaitingPerPartition });
    const toPause: Kafka.TopicPartition[] = [];
    const toResume: Kafka.TopicPartition[] = [];
    for (const ap of live) {
      const want = pause.has(ap.key);
      if (want === ap.paused) continue;
      (want ? toPause : toResume).push({ topic: ap.topic, partition: ap.partition });
      ap.paused = want;
    }
    try {
      if (toPause.length > 0) consumer.pause(toPause);
      if (toResume.length > 0) consumer.resume(toResume);
    } catch (error) {
      this.options.logger.warn({ err: describeError(error) }, 'pause/resume failed');
    }
  }

  /** Records of a priority partition not handed over yet, from the watermark librdkafka last saw. */
  #lag(consumer: Kafka.KafkaConsumer, ap: AssignedPartition): number {
    let lag = ap.waiting;
    // before its first record is read, the partition starts at the group's committed offset
    const position = ap.next >= 0 ? ap.next : ap.committed;
    if (position < 0) return lag;
    try {
      lag += Math.max(0, consumer.getWatermarkOffsets(ap.topic, ap.partition).highOffset - position);
    } catch {
      // no watermark yet for a partition that has not been fetched
    }
    return lag;
  }

  // ---- group membership ----

  #onRebalance(err: Kafka.LibrdKafkaError, assignment: Kafka.Assignment[]): void {
    this.#counters.rebalances++;
    if (err.code === ASSIGN) this.#assign(assignment);
    else if (err.code === REVOKE) void this.#revoke(assignment);
    else this.options.logger.error({ err: err.message }, 'rebalance error');
  }

  #cooperative(): boolean {
    return this.#consumer?.rebalanceProtocol() === 'COOPERATIVE';
  }

  #assign(assignment: Kafka.Assignment[]): void {
    const consumer = this.#consumer!;
    try {
      if (this.#cooperative()) consumer.incrementalAssign(assignment);
      else consumer.assign(assignment);
      // every new partition waits until the flow pass lets it go (after its shard is restored)
      consumer.pause(assignment.map(({ topic, partition }) => ({ topic, partition })));
    } catch (error) {
      this.options.logger.error({ err: describeError(error) }, 'assign failed');
      return;
    }
    for (const { topic, partition } of assignment) {
      const key = partitionKey(topic, partition);
      if (this.#assigned.has(key)) continue;
      const shard = this.#shards!.acquire(partition, key);
      const task = new TopologyTask(this.topology, {
        clock: this.options.clock,
        producer: this.#producerPort,
        stores: shard.stores,
        changelog: this.#changelogPort(partition),
        observer: this.observer,
        onSettled: this.#onSettled,
        ...(this.options.onRecordError ? { onRecordError: this.options.onRecordError } : {}),
      });
      const ap = new AssignedPartition(topic, partition, this.#priorityTopics.has(topic), task, shard);
      ap.paused = true;
      this.#assigned.set(key, ap);
    }
    this.options.logger.info({ partitions: assignment.map((a) => partitionKey(a.topic, a.partition)) }, 'partitions assigned');
    this.#learnCommitted(assignment);
    this.#scheduleFlow();
  }

  /** Asks the group coordinator for the committed offsets of new partitions (for lag()). */
  #learnCommitted(assignment: Kafka.Assignment[]): void {
    const consumer = this.#consumer;
    if (!consumer || assignment.length === 0) return;
    const toppars = assignment.map(({ topic, partition }) => ({ topic, partition }));
    consumer.committed(toppars, 10_000, (err, offsets) => {
      if (err) return; // lag() counts from 0 until the first commit of this worker
      for (const c of offsets) {
        const ap = this.#assigned.get(partitionKey(c.topic, c.partition));
        if (ap && c.offset > ap.committed) ap.committed = c.offset;
      }
    });
  }

  /** Finishes (within revokeGraceMs) or abandons the revoked partitions' work, commits what finished, lets go. */
  async #revoke(assignment: Kafka.Assignment[]): Promise<void> {
    const consumer = this.#consumer!;
    const revoked = assignment.map(({ topic, partition }) => this.#assigned.get(partitionKey(topic, partition))).filter((ap) => ap !== undefined);
    for (const ap of revoked) ap.revoking = true;
    try {
      consumer.pause(assignment.map(({ topic, partition }) => ({ topic, partition })));
    } catch {
      // already gone from the assignment (partitions lost): nothing to pause
    }
    if (this.#running) await withTimeout(Promise.all(revoked.map((ap) => ap.task.drain().catch(() => undefined))), this.options.revokeGraceMs);
    this.#commits.commitSync(consumer, revoked);
    for (const ap of revoked) this.#release(ap);
    try {
      if (this.#cooperative()) consumer.incrementalUnassign(assignment);
      else consumer.unassign();
    } catch (error) {
      if (consumer.isConnected()) this.options.logger.warn({ err: describeError(error) }, 'unassign failed');
    }
    this.options.logger.info({ partitions: revoked.map((ap) => ap.key) }, 'partitions revoked');
  }

  /** Forgets a partition: its task is closed without waiting (work still running is abandoned). */
  #release(ap: AssignedPartition): void {
    if (this.#assigned.get(ap.key) !== ap) return;
    this.#assigned.delete(ap.key);
    addMetrics(this.#closedMetrics, ap.task.metrics);
    ap.task.close().catch(() => undefined);
    this.#shards?.release(ap.partition, ap.key);
  }

  // ---- output ports ----

  // (a Promise<Delivery> is a Promise<void> to the task: no extra promise per record)
  readonly #producerPort: ProducerPort = {
    send: (record) => this.#producer!.send({
      topic: record.topic, key: record.key, value: record.value, headers: toKafkaHeaders(record.headers), timestamp: record.timestamp,
    }) as Promise<unknown> as Promise<void>,
    // what the task uses: the delivery report reaches the record's completion with no promise between
    sendAcked: (record, receipt) => this.#producer!.sendAcked({
      topic: record.topic, key: record.key, value: record.value, headers: toKafkaHeaders(record.headers), timestamp: record.timestamp,
    }, receipt),
  };

  /** Table writes of input partition i go to changelog partition i (co-partitioning). */
  #changelogPort(partition: number): ChangelogPort {
    return (change) => this.#producer!.send({ topic: change.topic, partition, key: change.key, value: change.value, timestamp: change.timestamp }) as Promise<unknown> as Promise<void>;
  }

  #purgeExpired(): void {
    const producer = this.#producer;
    if (!producer || this.#failure) return;
    for (const shard of this.#shards?.values() ?? []) {
      if (shard.state !== 'ready') continue;
      for (const ref of this.topology.stores) {
        for (const change of shard.stores[ref.name]!.purgeExpired(10_000)) {
          this.#counters.expired++;
          producer.send({ topic: ref.changelogTopic, partition: shard.partition, key: change.key, value: null, timestamp: change.timestamp })
            .catch((error: unknown) => this.options.logger.warn({ err: describeError(error) }, 'tombstone not written'));
        }
      }
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

  async #stop(): Promise<void> {
    if (!this.#started) {
      this.#status = 'stopped';
      return;
    }
    this.#status = 'stopping';
    this.#running = false;
    await this.#loopDone;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    const consumer = this.#consumer;
    const partitions = [...this.#assigned.values()];
    try {
      if (consumer && partitions.length > 0) consumer.pause(partitions.map((ap) => ({ topic: ap.topic, partition: ap.partition })));
    } catch {
      // not assigned any more
    }
    await withTimeout(Promise.all(partitions.map((ap) => ap.task.drain().catch(() => undefined))), this.options.shutdownGraceMs);
    if (consumer) this.#commits.commitSync(consumer, partitions);
    for (const ap of partitions) this.#release(ap);
    if (consumer) await releaseClient(consumer);
    await this.#restorer?.close();
    await this.#producer?.disconnect();
    this.#status = 'stopped';
    this.options.logger.info({}, 'kafka runtime stopped');
  }
}

const TASK_METRICS = ['processed', 'finished', 'sent', 'deadLettered', 'dropped', 'storeWrites'] as const;

function emptyCounters(): RuntimeCounters {
  return { processed: 0, finished: 0, sent: 0, deadLettered: 0, dropped: 0, storeWrites: 0, consumed: 0, commits: 0, rebalances: 0, restored: 0, expired: 0 };
}

function addMetrics(target: TaskMetrics, source: TaskMetrics): void {
  for (const key of TASK_METRICS) target[key] += source[key];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise` at most `ms`. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
