// TopologyTask executes a built Topology for records coming from any log. See contract.ts for
// what a runtime must do and what the task guarantees in return.
import { describeError, RecordError } from '../dsl/errors.ts';
import type { Clock } from '../clock.ts';
import { TaskError } from './errors.ts';
import type { ProcessorNode, SinkNode, SourceNode } from '../dsl/nodes.ts';
import type { StreamRecord } from '../dsl/record.ts';
import type { KeyValueStore, StoreChange, StoreRef } from '../dsl/store-ref.ts';
import type { Topology } from '../dsl/topology.ts';
import { AsyncStep, type AsyncNode } from './async-step.ts';
import type {
  ChangelogPort, CommittableOffset, InputRecord, OutputRecord, PartitionLoad, ProducerPort, TaskMetrics, TaskOptions,
} from './contract.ts';
import { deadLetterRecord } from './dead-letter.ts';
import type { Flow } from './flow.ts';
import { buildNodePlans, type NodePlan } from './node-plan.ts';
import { OffsetTracker, type PartitionOffsets } from './offset-tracker.ts';
import { RecordCompletion, type CompletionListener } from './record-completion.ts';
import { AsyncRecordContext, RecordContext, type ContextHost } from './record-context.ts';
import { TopologyObserver, type NodeCounts } from './topology-observer.ts';

/** A record on its way through the task, with the partition tracking that finishes its offset. */
class TaskFlow implements Flow {
  readonly input: InputRecord;
  readonly source: SourceNode;
  readonly tracked: PartitionOffsets;
  readonly completion: RecordCompletion<TaskFlow>;

  constructor(input: InputRecord, source: SourceNode, tracked: PartitionOffsets, listener: CompletionListener<TaskFlow>, withPromise: boolean) {
    this.input = input;
    this.source = source;
    this.tracked = tracked;
    this.completion = new RecordCompletion(listener, this, withPromise, outputFailure);
  }
}

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
  readonly clock: Clock;
  readonly metrics: TaskMetrics = { processed: 0, finished: 0, sent: 0, deadLettered: 0, dropped: 0, storeWrites: 0 };
  /** per-node counts and output events (shared when the runtime passed one in the options) */
  readonly observer: TopologyObserver;
  readonly #options: TaskOptions;
  readonly #producer: ProducerPort;
  readonly #stores: ReadonlyMap<string, { ref: StoreRef<unknown>; store: KeyValueStore<unknown> }>;
  readonly #changelog: ChangelogPort;
  readonly #asyncSteps = new Map<string, AsyncStep>();
  /** every node with its data successors resolved, by name; and the source plan of each input topic */
  readonly #plans: ReadonlyMap<string, NodePlan>;
  readonly #sourcePlans = new Map<string, NodePlan>();
  readonly #offsets = new OffsetTracker();
  readonly #host: ContextHost;
  readonly #listener: CompletionListener<TaskFlow>;
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
    this.#producer = options.producer;
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
    // the functions below are made once per task: nothing on the per-record path creates one
    this.#host = {
      clock: this.clock,
      declaredStore: (node, ref) => this.#declaredStore(node, ref),
      storeChanged: (ref, change, flow) => this.#track(flow, this.#writeChange(ref, change)),
    };
    this.#listener = {
      recordFinished: (flow) => this.#recordFinished(flow),
      recordFailed: (flow, error) => {
        this.#fail(error);
        this.#settle();
        this.#tellSettled(flow.input, this.#failure);
      },
    };
    const asyncHost = {
      clock: this.clock,
      context: (node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow, signal: AbortSignal, attempt: number) =>
        new AsyncRecordContext(this.#host, node, record, flow, signal, attempt),
      emit: (node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow) => this.#forward(this.#plans.get(node.name)!, record, flow),
      reject: (node: ProcessorNode, error: RecordError, flow: Flow) => this.#deadLetter(error, node.deadLetter ?? flow.source.deadLetter, flow),
    };
    for (const node of topology.nodes.values()) {
      if (node.kind === 'processor' && node.op === 'mapAsync') this.#asyncSteps.set(node.name, new AsyncStep(node as AsyncNode, asyncHost));
    }
    this.#plans = buildNodePlans(topology, this.#asyncSteps);
    for (const source of topology.sources) this.#sourcePlans.set(source.topic, this.#plans.get(source.name)!);
  }

  /**
   * Processes one record. The returned promise resolves when every output and store write it
   * caused has been acknowledged (then its offset may become committable); it rejects only when an
   * output port failed (the task is then failed). Per-record errors resolve it: they are routed.
   * Throws TASK_CLOSED / TASK_FAILED / TASK_UNKNOWN_TOPIC / TASK_OFFSET_OUT_OF_ORDER on misuse.
   */
  process(input: InputRecord): Promise<void> {
    return this.#begin(input, true).completion.promise;
  }

  /**
   * `process` without the promise, for a runtime that hears of finished records through the
   * `onSettled` option (one promise and one reaction less per record). Same checks, same throws.
   */
  submit(input: InputRecord): void {
    this.#begin(input, false);
  }

  #begin(input: InputRecord, withPromise: boolean): TaskFlow {
    if (this.#closed) throw new TaskError('TASK_CLOSED', 'the task is closed');
    if (this.#failure) throw new TaskError('TASK_FAILED', `the task failed: ${this.#failure.message}`, { cause: this.#failure });
    const plan = this.#sourcePlans.get(input.topic);
    if (!plan) throw new TaskError('TASK_UNKNOWN_TOPIC', `no source of the topology reads topic "${input.topic}"`);
    const tracked = this.#offsets.track(input.topic, input.partition, input.offset);
    this.metrics.processed++;
    const flow = new TaskFlow(input, plan.node as SourceNode, tracked, this.#listener, withPromise);
    this.#open++;
    this.#runSource(plan, flow);
    flow.completion.release();
    return flow;
  }

  #recordFinished(flow: TaskFlow): void {
    const { input } = flow;
    this.#offsets.finish(flow.tracked, input.offset);
    this.metrics.finished++;
    this.#settle();
    if (this.#partitionWaiters.size > 0) this.#notifyPartition(input.topic, input.partition);
    this.#tellSettled(input, undefined);
  }

  #tellSettled(input: InputRecord, error: Error | undefined): void {
    const onSettled = this.#options.onSettled;
    if (onSettled === undefined) return;
    try {
      onSettled(input, error);
    } catch {
      // a listener's bug must not change what the task does with the record
    }
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

  /**
   * Gives the task up without waiting (a revoked partition whose work outlived the grace period):
   * running mapAsync attempts are aborted and nothing more is emitted or written, so the next
   * owner of its partitions is the only writer. Its unfinished records stay uncommitted.
   */
  abandon(): void {
    this.#closed = true;
    this.#stopAsyncSteps();
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

  #runSource(plan: NodePlan, flow: Flow): void {
    const { input } = flow;
    const source = plan.node as SourceNode;
    this.#counts(plan).in++;
    let value: unknown;
    try {
      value = source.codec.decode(input.value);
    } catch (error) {
      this.#deadLetter(new RecordError('RECORD_DECODE_FAILED', source.name, `${source.name}: ${describeError(error)}`, { cause: error }), source.deadLetter, flow);
      return;
    }
    this.#forward(plan, { key: input.key, value, headers: input.headers, timestamp: input.timestamp }, flow);
  }

  /** The observer's live counters of a node, taken on its first visit (so unreached nodes stay unlisted). */
  #counts(plan: NodePlan): NodeCounts {
    return (plan.counts ??= this.observer.liveCounts(plan.name));
  }

  #forward(from: NodePlan, record: StreamRecord<unknown>, flow: Flow): void {
    this.#counts(from).out++;
    const successors = from.successors;
    for (let i = 0; i < successors.length; i++) this.#runNode(successors[i]!, record, flow);
  }

  #runNode(plan: NodePlan, record: StreamRecord<unknown>, flow: Flow): void {
    this.#counts(plan).in++;
    const node = plan.node;
    if (node.kind === 'sink') {
      this.#send(plan, node, record, flow);
      return;
    }
    if (node.kind === 'source') return;
    switch (node.op) {
      case 'mapAsync':
        plan.asyncStep!.submit(record, flow);
        return;
      case 'branch':
      case 'merge':
        this.#forward(plan, record, flow);
        return;
      default:
    }
    // one user call, guarded: a throw routes this record's path to a dead-letter sink and stops
    // it there; the record's other paths go on (downstream nodes run outside the guard)
    let next: StreamRecord<unknown> | undefined;
    let many: StreamRecord<unknown>[] | undefined;
    let target: NodePlan | undefined;
    try {
      const ctx = new RecordContext(this.#host, node, record, flow);
      switch (node.op) {
        case 'filter':
          if (node.predicate(record.value, ctx)) next = record;
          break;
        case 'map': {
          const kv = node.mapper(record, ctx);
          next = { key: kv.key, value: kv.value, headers: kv.headers ?? record.headers, timestamp: record.timestamp };
          break;
        }
        case 'mapValues':
          next = { key: record.key, value: node.mapper(record.value, ctx), headers: record.headers, timestamp: record.timestamp };
          break;
        case 'flatMap':
          many = [];
          for (const kv of node.mapper(record, ctx)) many.push({ key: kv.key, value: kv.value, headers: kv.headers ?? record.headers, timestamp: record.timestamp });
          break;
        case 'peek':
          node.action(record.value, ctx);
          next = record;
          break;
        case 'split': {
          // first match wins; no match and no default branch: the record stops here
          const { branches } = node;
          for (let i = 0; i < branches.length; i++) {
            if (branches[i]!.predicate(record.value, ctx)) {
              target = plan.branches[i];
              break;
            }
          }
          target ??= plan.defaultBranch;
          if (target === undefined) return;
          break;
        }
      }
    } catch (error) {
      const failure = error instanceof RecordError ? error : new RecordError('RECORD_PROCESSING_FAILED', node.name, `${node.name}: ${describeError(error)}`, { cause: error });
      this.#deadLetter(failure, node.deadLetter ?? flow.source.deadLetter, flow);
      return;
    }
    if (target !== undefined) {
      this.#counts(plan).out++;
      this.#runNode(target, record, flow);
    } else if (next !== undefined) {
      this.#forward(plan, next, flow);
    } else if (many !== undefined) {
      for (const each of many) this.#forward(plan, each, flow);
    }
  }

  #send(plan: NodePlan, sink: SinkNode, record: StreamRecord<unknown>, flow: Flow): void {
    let value: Buffer | null;
    try {
      value = sink.codec ? sink.codec.encode(record.value) : null;
    } catch (error) {
      this.#deadLetter(new RecordError('RECORD_ENCODE_FAILED', sink.name, `${sink.name}: ${describeError(error)}`, { cause: error }), flow.source.deadLetter, flow);
      return;
    }
    this.metrics.sent++;
    this.#counts(plan).out++;
    const output = { topic: sink.topic, key: record.key, value, headers: record.headers, timestamp: record.timestamp };
    if (this.observer.listening) this.observer.output({ sink: sink.name, record: output, input: flow.input });
    this.#emit(flow, output);
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
    this.#emit(flow, output);
  }

  /**
   * Hands an output to the producer now (so outputs keep processing order) and holds the record
   * until it is acknowledged: through the promise-free `sendAcked` when the port has one.
   */
  #emit(flow: Flow, output: OutputRecord): void {
    const producer = this.#producer;
    if (producer.sendAcked === undefined) {
      let acknowledged: Promise<void>;
      try {
        acknowledged = producer.send(output);
      } catch (error) {
        acknowledged = Promise.reject(error);
      }
      this.#track(flow, acknowledged);
      return;
    }
    const { completion } = flow;
    completion.hold();
    try {
      producer.sendAcked(output, completion);
    } catch (error) {
      completion.failed(error);
    }
  }

  /** Holds the record until `acknowledged` resolves; a rejection fails the task. */
  #track(flow: Flow, acknowledged: Promise<void>): void {
    flow.completion.track(acknowledged, outputFailure);
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

  #declaredStore(node: ProcessorNode, ref: StoreRef<unknown>): KeyValueStore<unknown> {
    const entry = this.#stores.get(ref?.name);
    if (!entry || !node.stores.includes(ref.name)) {
      throw new TaskError('TASK_STORE_NOT_DECLARED', `${node.name} uses store "${String(ref?.name)}" without declaring it in { stores: [...] }`);
    }
    return entry.store;
  }
}

function outputFailure(error: unknown): TaskError {
  return new TaskError('TASK_OUTPUT_FAILED', `an output was not acknowledged: ${describeError(error)}`, { cause: error });
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
