// TopologyTask executes a built Topology for records coming from any log. See contract.ts for
// what a runtime must do and what the task guarantees in return.
import { describeError, RecordError, TaskError } from '../../dsl/errors.ts';
import type { ProcessorNode, SinkNode, SourceNode, TopologyNode } from '../../dsl/nodes.ts';
import type { ProcessorContext, StreamRecord } from '../../dsl/record.ts';
import type { KeyValueStore, StoreChange, StoreRef, StoreView } from '../../dsl/store-ref.ts';
import type { Topology } from '../../dsl/topology.ts';
import { AsyncStep, type AsyncNode } from './async-step.ts';
import type {
  ChangelogPort, CommittableOffset, InputRecord, PartitionLoad, TaskClock, TaskMetrics, TaskOptions,
} from './contract.ts';
import { deadLetterRecord } from './dead-letter.ts';
import type { Flow } from './flow.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { RecordCompletion } from './record-completion.ts';
import { TopologyObserver } from './topology-observer.ts';

/**
 * Runs one topology. Feed it records in offset order per partition; it calls the producer port for
 * every output and tells, per partition, which offset is safe to commit.
 * @example
 *   const task = new TopologyTask(topology, { clock: systemClock, producer, stores });
 *   void task.process(record);                 // resolves when everything it caused is acknowledged
 *   commit(task.committableOffsets());
 *   await task.close();
 */
export class TopologyTask {
  readonly topology: Topology;
  readonly clock: TaskClock;
  readonly metrics: TaskMetrics = { processed: 0, finished: 0, sent: 0, deadLettered: 0, dropped: 0, storeWrites: 0 };
  /** per-node counts and output events (shared when the runtime passed one in the options) */
  readonly observer: TopologyObserver;
  readonly #options: TaskOptions;
  readonly #stores: ReadonlyMap<string, { ref: StoreRef<unknown>; store: KeyValueStore<unknown> }>;
  readonly #changelog: ChangelogPort;
  readonly #asyncSteps = new Map<string, AsyncStep>();
  /** per node: successors that carry data (edges to dead-letter sinks are only for failures) */
  readonly #dataSuccessors = new Map<string, readonly string[]>();
  readonly #offsets = new OffsetTracker();
  /** settles of records and background writes still open, and who waits for none to be left */
  #open = 0;
  #idleWaiters: (() => void)[] = [];
  #partitionWaiters = new Map<string, { resolve: () => void; reject: (error: Error) => void }[]>();
  #failure: Error | undefined;
  #closed = false;

  constructor(topology: Topology, options: TaskOptions) {
    this.topology = topology;
    this.clock = options.clock;
    this.#options = options;
    this.observer = options.observer ?? new TopologyObserver();
    const stores = new Map<string, { ref: StoreRef<unknown>; store: KeyValueStore<unknown> }>();
    for (const ref of topology.stores) {
      const store = options.stores?.[ref.name];
      if (!store) throw new TaskError('TASK_MISSING_STORE', `the topology declares store "${ref.name}" but the task was given none`);
      stores.set(ref.name, { ref, store });
    }
    this.#stores = stores;
    this.#changelog = options.changelog ?? ((change) => options.producer.send({
      topic: change.topic, key: change.key, value: change.value, headers: {}, timestamp: change.timestamp,
    }));
    const host = {
      clock: this.clock,
      context: (node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow) => this.#context(node, record, flow),
      emit: (node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow) => this.#forward(node.name, record, flow),
      reject: (node: ProcessorNode, error: RecordError, flow: Flow) => this.#deadLetter(error, node.deadLetter ?? flow.source.deadLetter, flow),
    };
    for (const node of topology.nodes.values()) {
      this.#dataSuccessors.set(node.name, topology.successors(node.name).filter((name) => !isDeadLetterSink(topology.nodes.get(name))));
      if (node.kind === 'processor' && node.op === 'mapAsync') this.#asyncSteps.set(node.name, new AsyncStep(node as AsyncNode, host));
    }
  }

  /**
   * Processes one record. The returned promise resolves when every output and store write it
   * caused has been acknowledged (then its offset may become committable); it rejects only when an
   * output port failed (the task is then failed). Per-record errors resolve it: they are routed.
   * Throws TASK_CLOSED / TASK_FAILED / TASK_UNKNOWN_TOPIC / TASK_OFFSET_OUT_OF_ORDER on misuse.
   */
  process(input: InputRecord): Promise<void> {
    if (this.#closed) throw new TaskError('TASK_CLOSED', 'the task is closed');
    if (this.#failure) throw new TaskError('TASK_FAILED', `the task failed: ${this.#failure.message}`, { cause: this.#failure });
    const source = this.topology.sourceFor(input.topic);
    if (!source) throw new TaskError('TASK_UNKNOWN_TOPIC', `no source of the topology reads topic "${input.topic}"`);
    const finishOffset = this.#offsets.begin(input.topic, input.partition, input.offset);
    this.metrics.processed++;
    const completion = new RecordCompletion();
    const flow: Flow = { input, source, completion };
    this.#open++;
    completion.promise.then(
      () => {
        finishOffset();
        this.metrics.finished++;
        this.#settle();
        this.#notifyPartition(input.topic, input.partition);
      },
      (error: unknown) => {
        this.#fail(error);
        this.#settle();
      },
    );
    this.#runSource(source, flow);
    completion.release();
    return completion.promise;
  }

  /** Per (topic, partition) seen: the next offset to read; every offset below it is finished. */
  committableOffsets(): CommittableOffset[] {
    return this.#offsets.committable();
  }

  /** Records processed but not finished: in total, in a topic, or in one partition. */
  unfinished(topic?: string, partition?: number): number {
    return topic === undefined ? this.#offsets.unfinished : this.#offsets.unfinishedIn(topic, partition);
  }

  /**
   * Resolves when no record of the partition is unfinished: what a runtime awaits in its
   * revocation callback before its last commit of the partition. Rejects if the task fails.
   */
  drainPartition(topic: string, partition: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#offsets.unfinishedIn(topic, partition) === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const key = partitionKey(topic, partition);
      const waiters = this.#partitionWaiters.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.#partitionWaiters.set(key, waiters);
    });
  }

  /**
   * Forgets a revoked partition: its committable offset is no longer reported and, once assigned
   * again, it may restart at the committed offset (below offsets seen before). Records of it still
   * in progress finish without effect on the new assignment's offsets.
   */
  forgetPartition(topic: string, partition: number): void {
    this.#offsets.forget(topic, partition);
    this.#notifyPartition(topic, partition);
  }

  /** Unfinished records per partition, for a runtime's pause/resume decisions. */
  load(): PartitionLoad[] {
    return this.#offsets.load();
  }

  /** The error that failed the task (an output port rejected), if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Observability of one mapAsync node: running calls, peak, queued records. */
  asyncStepState(name: string): { running: number; peakRunning: number; queued: number } | undefined {
    const step = this.#asyncSteps.get(name);
    return step && { running: step.running, peakRunning: step.peakRunning, queued: step.queued };
  }

  /** The store the topology declares as `name` (for runtimes and test drivers). */
  store(name: string): KeyValueStore<unknown> | undefined {
    return this.#stores.get(name)?.store;
  }

  /** Removes expired entries of every store and writes their tombstones to the changelogs. */
  purgeExpired(limit?: number): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const { ref, store } of this.#stores.values()) {
      for (const change of store.purgeExpired(limit)) writes.push(this.#writeChange(ref, change));
    }
    this.#open++;
    const all = Promise.all(writes).then(() => undefined);
    all.then(() => this.#settle(), (error: unknown) => { this.#fail(error); this.#settle(); });
    return all;
  }

  /** Resolves when no record is in progress; rejects with the failure if the task failed. */
  async drain(): Promise<void> {
    if (this.#open > 0 && !(this.#closed && this.#failure)) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#failure) throw this.#failure;
  }

  /**
   * Stops taking records and waits for the ones in progress. On a failed task it does not wait:
   * it aborts the running mapAsync attempts, starts no new ones, and rejects with the failure;
   * the records left unfinished are never committable, so a restart reprocesses them.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#failure) this.#stopAsyncSteps();
    await this.drain();
  }

  #stopAsyncSteps(): void {
    for (const step of this.#asyncSteps.values()) step.stop(new TaskError('TASK_FAILED', 'the task failed and is closing'));
  }

  #settle(): void {
    this.#open--;
    if (this.#open === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= error instanceof Error ? error : new TaskError('TASK_OUTPUT_FAILED', describeError(error));
    const failure = this.#failure;
    if (this.#closed) this.#stopAsyncSteps();
    // drain() waiters of a closing task must not wait for records that will never finish
    if (this.#closed) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    const waiters = [...this.#partitionWaiters.values()].flat();
    this.#partitionWaiters.clear();
    for (const waiter of waiters) waiter.reject(failure);
  }

  #notifyPartition(topic: string, partition: number): void {
    const key = partitionKey(topic, partition);
    const waiters = this.#partitionWaiters.get(key);
    if (!waiters || this.#offsets.unfinishedIn(topic, partition) > 0) return;
    this.#partitionWaiters.delete(key);
    for (const waiter of waiters) waiter.resolve();
  }

  #runSource(source: SourceNode, flow: Flow): void {
    const { input } = flow;
    this.observer.recordIn(source.name);
    let value: unknown;
    try {
      value = source.codec.decode(input.value);
    } catch (error) {
      this.#deadLetter(new RecordError('RECORD_DECODE_FAILED', source.name, `${source.name}: ${describeError(error)}`, { cause: error }), source.deadLetter, flow);
      return;
    }
    this.#forward(source.name, { key: input.key, value, headers: input.headers, timestamp: input.timestamp }, flow);
  }

  #forward(from: string, record: StreamRecord<unknown>, flow: Flow): void {
    this.observer.recordOut(from);
    for (const name of this.#dataSuccessors.get(from) ?? []) this.#runNode(this.topology.nodes.get(name)!, record, flow);
  }

  #runNode(node: TopologyNode, record: StreamRecord<unknown>, flow: Flow): void {
    this.observer.recordIn(node.name);
    if (node.kind === 'sink') {
      this.#send(node, record, flow);
      return;
    }
    if (node.kind === 'source') return;
    if (node.op === 'mapAsync') {
      this.#asyncSteps.get(node.name)!.submit(record, flow);
      return;
    }
    // one user call, guarded: a throw routes this record's path to a dead-letter sink and stops
    // it there; the record's other paths go on
    let out: StreamRecord<unknown>[] | undefined;
    let target: string = node.name;
    try {
      const ctx = this.#context(node, record, flow);
      switch (node.op) {
        case 'filter':
          out = node.predicate(record.value, ctx) ? [record] : [];
          break;
        case 'map': {
          const kv = node.mapper(record, ctx);
          out = [{ key: kv.key, value: kv.value, headers: kv.headers ?? record.headers, timestamp: record.timestamp }];
          break;
        }
        case 'mapValues':
          out = [{ ...record, value: node.mapper(record.value, ctx) }];
          break;
        case 'flatMap':
          out = [...node.mapper(record, ctx)].map((kv) => ({ key: kv.key, value: kv.value, headers: kv.headers ?? record.headers, timestamp: record.timestamp }));
          break;
        case 'peek':
          node.action(record.value, ctx);
          out = [record];
          break;
        case 'split': {
          const match = node.branches.find((branch) => branch.predicate(record.value, ctx));
          const branch = match?.node ?? node.defaultBranch;
          if (branch === undefined) return;
          target = branch;
          out = [record];
          break;
        }
        case 'branch':
        case 'merge':
          out = [record];
          break;
      }
    } catch (error) {
      const failure = error instanceof RecordError ? error : new RecordError('RECORD_PROCESSING_FAILED', node.name, `${node.name}: ${describeError(error)}`, { cause: error });
      this.#deadLetter(failure, node.deadLetter ?? flow.source.deadLetter, flow);
      return;
    }
    if (target !== node.name) {
      this.observer.recordOut(node.name);
      this.#runNode(this.topology.nodes.get(target)!, record, flow);
      return;
    }
    for (const next of out) this.#forward(node.name, next, flow);
  }

  #send(sink: SinkNode, record: StreamRecord<unknown>, flow: Flow): void {
    let value: Buffer | null;
    try {
      value = sink.codec ? sink.codec.encode(record.value) : null;
    } catch (error) {
      this.#deadLetter(new RecordError('RECORD_ENCODE_FAILED', sink.name, `${sink.name}: ${describeError(error)}`, { cause: error }), flow.source.deadLetter, flow);
      return;
    }
    this.metrics.sent++;
    this.observer.recordOut(sink.name);
    const output = { topic: sink.topic, key: record.key, value, headers: record.headers, timestamp: record.timestamp };
    this.observer.output({ sink: sink.name, record: output, input: flow.input });
    this.#output(flow, () => this.#options.producer.send(output));
  }

  #deadLetter(error: RecordError, sinkName: string | undefined, flow: Flow): void {
    this.observer.recordError(error.node);
    try {
      this.#options.onRecordError?.(error, flow.input);
    } catch {
      // an observer's bug must not change where the record goes
    }
    const sink = sinkName === undefined ? undefined : this.topology.nodes.get(sinkName);
    if (!sink || sink.kind !== 'sink') {
      this.metrics.dropped++;
      return;
    }
    this.metrics.deadLettered++;
    this.observer.recordIn(sink.name);
    this.observer.recordOut(sink.name);
    const output = deadLetterRecord(sink.topic, flow.input, error, this.clock.now());
    this.observer.output({ sink: sink.name, record: output, input: flow.input, error });
    this.#output(flow, () => this.#options.producer.send(output));
  }

  /** Calls an output port now (so outputs keep processing order) and holds the record until it acks. */
  #output(flow: Flow, send: () => Promise<void>): void {
    let acknowledged: Promise<void>;
    try {
      acknowledged = send();
    } catch (error) {
      acknowledged = Promise.reject(error);
    }
    flow.completion.track(acknowledged, (error) => new TaskError('TASK_OUTPUT_FAILED', `an output was not acknowledged: ${describeError(error)}`, { cause: error }));
  }

  #writeChange(ref: StoreRef<unknown>, change: StoreChange): Promise<void> {
    this.metrics.storeWrites++;
    const value = change.value === null ? null : Buffer.from(change.value.buffer, change.value.byteOffset, change.value.byteLength);
    try {
      return this.#changelog({ store: ref.name, topic: ref.changelogTopic, key: change.key, value, timestamp: change.timestamp });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #context(node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow): ProcessorContext {
    const { input } = flow;
    return {
      key: record.key,
      headers: record.headers,
      timestamp: record.timestamp,
      origin: { topic: input.topic, partition: input.partition, offset: input.offset },
      now: () => this.clock.now(),
      store: <V>(ref: StoreRef<V>): StoreView<V> => this.#storeView(node, ref, flow) as StoreView<V>,
    };
  }

  #storeView(node: ProcessorNode, ref: StoreRef<unknown>, flow: Flow): StoreView<unknown> {
    const entry = this.#stores.get(ref?.name);
    if (!entry || !node.stores.includes(ref.name)) {
      throw new TaskError('TASK_STORE_NOT_DECLARED', `${node.name} uses store "${String(ref?.name)}" without declaring it in { stores: [...] }`);
    }
    const { store } = entry;
    const write = (change: StoreChange | undefined) => {
      if (change) this.#output(flow, () => this.#writeChange(ref, change));
    };
    return {
      get: (key) => store.get(key),
      put: (key, value) => write(store.put(key, value)),
      delete: (key) => write(store.delete(key)),
    };
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function isDeadLetterSink(node: TopologyNode | undefined): boolean {
  return node !== undefined && node.kind === 'sink' && node.deadLetter;
}
