// The context a user function gets with a record, and its view of a store. Both are small class
// instances whose methods live on the prototype: building one per call costs an allocation, no
// closures (under tsx/esbuild's keepNames every named closure made per record is also wrapped in
// a `__name` call that defines a property on it, which was the executor's largest cost).
import type { AsyncContext, ProcessorContext, RecordOrigin, StreamRecord } from '../dsl/record.ts';
import type { ProcessorNode } from '../dsl/nodes.ts';
import type { KeyValueStore, StoreChange, StoreRef, StoreView } from '../dsl/store-ref.ts';
import type { Clock } from '../clock.ts';
import type { Flow } from './flow.ts';

/** What contexts and store views need of the task. */
export interface ContextHost {
  readonly clock: Clock;
  /** the store `ref` names, checked against what `node` declared (throws TASK_STORE_NOT_DECLARED) */
  declaredStore(node: ProcessorNode, ref: StoreRef<unknown>): KeyValueStore<unknown>;
  /** writes a store change to the changelog; the record's offset waits for its acknowledgement */
  storeChanged(ref: StoreRef<unknown>, change: StoreChange, flow: Flow): void;
}

export class RecordContext implements ProcessorContext {
  readonly key: string | null;
  readonly headers: StreamRecord<unknown>['headers'];
  readonly timestamp: number;
  readonly #host: ContextHost;
  readonly #node: ProcessorNode;
  readonly #flow: Flow;

  constructor(host: ContextHost, node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow) {
    this.key = record.key;
    this.headers = record.headers;
    this.timestamp = record.timestamp;
    this.#host = host;
    this.#node = node;
    this.#flow = flow;
  }

  /** built when asked for: most steps never look */
  get origin(): RecordOrigin {
    const { input } = this.#flow;
    return { topic: input.topic, partition: input.partition, offset: input.offset };
  }

  now(): number {
    return this.#host.clock.now();
  }

  store<V>(ref: StoreRef<V>): StoreView<V> {
    const store = this.#host.declaredStore(this.#node, ref as StoreRef<unknown>);
    return new TaskStoreView(this.#host, ref as StoreRef<unknown>, store, this.#flow) as StoreView<unknown> as StoreView<V>;
  }
}

/** The context of one mapAsync attempt. */
export class AsyncRecordContext extends RecordContext implements AsyncContext {
  readonly signal: AbortSignal;
  readonly attempt: number;

  constructor(host: ContextHost, node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow, signal: AbortSignal, attempt: number) {
    super(host, node, record, flow);
    this.signal = signal;
    this.attempt = attempt;
  }
}

/** Reads go to the store; writes also go to its changelog and hold the record until acknowledged. */
class TaskStoreView implements StoreView<unknown> {
  readonly #host: ContextHost;
  readonly #ref: StoreRef<unknown>;
  readonly #store: KeyValueStore<unknown>;
  readonly #flow: Flow;

  constructor(host: ContextHost, ref: StoreRef<unknown>, store: KeyValueStore<unknown>, flow: Flow) {
    this.#host = host;
    this.#ref = ref;
    this.#store = store;
    this.#flow = flow;
  }

  get(key: string): unknown {
    return this.#store.get(key);
  }

  put(key: string, value: unknown): void {
    const change = this.#store.put(key, value);
    if (change) this.#host.storeChanged(this.#ref, change, this.#flow);
  }

  delete(key: string): void {
    const change = this.#store.delete(key);
    if (change) this.#host.storeChanged(this.#ref, change, this.#flow);
  }
}
