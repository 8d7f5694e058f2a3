// KStream: a handle on one node of a topology being built. Each operator adds one named node
// downstream of this one and returns a handle on it; nothing runs until a runtime executes the
// built Topology.
import type { Codec } from './codec.ts';
import { TopologyException } from './errors.ts';
import { BranchedKStream } from './branched-kstream.ts';
import { type DeadLetterRef, type TopologyDraft } from './internals/topology-draft.ts';
import type { AsyncStepOptions, Operation } from './nodes.ts';
import type { AsyncContext, KeyValue, ProcessorContext, StreamRecord } from './record.ts';
import { checkIntegerOption, normalizeRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { StoreRef } from './store-ref.ts';

/** Options every processor takes. */
export interface StepOptions {
  /** stores the step reads or writes through `ctx.store(ref)` */
  stores?: readonly StoreRef<unknown>[];
  /** where this step's failures go (default: the dead-letter sink of the record's source) */
  deadLetter?: DeadLetterRef;
}

export interface MapAsyncOptions extends StepOptions {
  /** most calls running at once in this step */
  concurrency: number;
  /** limit of one attempt, ms */
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  /** share one running call among records with the same key (default false) */
  coalesceByKey?: boolean;
}

export interface SinkOptions<V> {
  codec: Codec<V>;
}

export class KStream<V> {
  /** @internal the builder's graph; use the operators */
  readonly #draft: TopologyDraft;
  /** the node this stream reads from */
  readonly name: string;

  /** @internal created by StreamsBuilder and by the operators */
  constructor(draft: TopologyDraft, name: string) {
    this.#draft = draft;
    this.name = name;
  }

  /** Keeps the records for which `predicate` is true. */
  filter(name: string, predicate: (value: V, ctx: ProcessorContext) => boolean, options?: StepOptions): KStream<V> {
    return this.#add(name, { op: 'filter', predicate: predicate as (value: unknown, ctx: ProcessorContext) => boolean }, options);
  }

  /** Replaces key, value (and optionally headers). */
  map<R>(name: string, mapper: (record: StreamRecord<V>, ctx: ProcessorContext) => KeyValue<R>, options?: StepOptions): KStream<R> {
    return this.#add(name, { op: 'map', mapper: mapper as (record: StreamRecord<unknown>, ctx: ProcessorContext) => KeyValue<unknown> }, options);
  }

  /** Replaces the value; key and headers stay. */
  mapValues<R>(name: string, mapper: (value: V, ctx: ProcessorContext) => R, options?: StepOptions): KStream<R> {
    return this.#add(name, { op: 'mapValues', mapper: mapper as (value: unknown, ctx: ProcessorContext) => unknown }, options);
  }

  /** Zero or more records per record, forwarded in the order returned. */
  flatMap<R>(name: string, mapper: (record: StreamRecord<V>, ctx: ProcessorContext) => Iterable<KeyValue<R>>, options?: StepOptions): KStream<R> {
    return this.#add(name, { op: 'flatMap', mapper: mapper as (record: StreamRecord<unknown>, ctx: ProcessorContext) => Iterable<KeyValue<unknown>> }, options);
  }

  /** Runs `action` (logging, a store write) and forwards the record unchanged. */
  peek(name: string, action: (value: V, ctx: ProcessorContext) => void, options?: StepOptions): KStream<V> {
    return this.#add(name, { op: 'peek', action: action as (value: unknown, ctx: ProcessorContext) => void }, options);
  }

  /**
   * The step for slow I/O. At most `concurrency` calls run at once; records with the same key are
   * called one after the other, in arrival order, so their results leave in that order. Each attempt
   * is aborted after `timeoutMs`; failures are retried per `retry`; when retries are exhausted (or
   * `retry.retryable` says no) the input record goes to the dead-letter sink with the reason.
   * @example stream.mapAsync('check', (req, ctx) => check(req, ctx.signal), { concurrency: 8, timeoutMs: 10_000,
   *   retry: { maxAttempts: 5, retryable: isTransient }, coalesceByKey: true, deadLetter: dlq })
   */
  mapAsync<R>(name: string, call: (value: V, ctx: AsyncContext) => Promise<R>, options: MapAsyncOptions): KStream<R> {
    const label = typeof name === 'string' ? name : 'mapAsync';
    if (typeof options !== 'object' || options === null) {
      throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${label}: mapAsync needs options { concurrency, timeoutMs }`);
    }
    const stepOptions: AsyncStepOptions = Object.freeze({
      concurrency: checkIntegerOption(label, 'concurrency', options.concurrency, 1),
      timeoutMs: checkIntegerOption(label, 'timeoutMs', options.timeoutMs, 1),
      retry: normalizeRetryPolicy(label, options.retry),
      coalesceByKey: options.coalesceByKey === true,
    });
    return this.#add(name, { op: 'mapAsync', call: call as (value: unknown, ctx: AsyncContext) => Promise<unknown>, options: stepOptions }, options);
  }

  /**
   * First-match branching: each record goes to the first branch whose predicate is true, else to
   * the default branch (or is dropped when there is none).
   * @example const b = s.split('split-cache').branch('no-cache', (r) => r.noCache).defaultBranch('cache-lookup');
   */
  split(name: string, options?: StepOptions): BranchedKStream<V> {
    this.#add(name, { op: 'split', branches: [], defaultBranch: undefined }, options);
    return new BranchedKStream<V>(this.#draft, name);
  }

  /** One stream of this one's and `others`' records; order within each input is kept. */
  merge(name: string, ...others: KStream<V>[]): KStream<V> {
    const parents = [this.name, ...others.map((other) => {
      if (!(other instanceof KStream)) throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${name}: merge takes KStreams`);
      return other.name;
    })];
    return this.#add(name, { op: 'merge' }, undefined, parents);
  }

  /** Writes every record to `topic`, encoded with `codec`. */
  to(name: string, topic: string, options: SinkOptions<V>): void {
    if (typeof topic !== 'string' || topic === '') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${String(name)}: sink topic must be a non-empty string`);
    if (typeof options?.codec?.encode !== 'function') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${String(name)}: sink needs a codec`);
    this.#draft.addNode({ kind: 'sink', name, topic, codec: options.codec as Codec<unknown>, deadLetter: false }, [this.name]);
  }

  #add<R>(name: string, operation: Operation, options: StepOptions | undefined, parents: readonly string[] = [this.name]): KStream<R> {
    const label = typeof name === 'string' ? name : 'processor';
    const stores = this.#draft.storeNames(label, options?.stores);
    const deadLetter = this.#draft.deadLetterName(label, options?.deadLetter);
    this.#draft.addNode({ ...operation, kind: 'processor', name, stores, deadLetter }, parents);
    if (deadLetter !== undefined) this.#draft.addEdge(name, deadLetter);
    return new KStream<R>(this.#draft, name);
  }
}
