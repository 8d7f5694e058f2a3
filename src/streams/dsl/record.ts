// The shapes a record takes inside a topology, and what a step may see of its surroundings.
import type { StoreRef, StoreView } from './store-ref.ts';

/** Kafka headers as this project uses them: lowercase names, UTF-8 values, one value per name. */
export type Headers = Readonly<Record<string, string>>;

/** A record flowing between nodes: the key, the decoded value, headers and the source timestamp. */
export interface StreamRecord<V> {
  readonly key: string | null;
  readonly value: V;
  readonly headers: Headers;
  readonly timestamp: number;
}

/** What `map` and `flatMap` return; headers default to the input record's. */
export interface KeyValue<V> {
  key: string | null;
  value: V;
  headers?: Headers;
}

/** Where the record being processed came from (the log position of the input record). */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Given to every user function with the value. Stores are reachable only when the node declared
 * them (`{ stores: [results] }`), so the topology description lists every store a node touches.
 */
export interface ProcessorContext {
  readonly key: string | null;
  readonly headers: Headers;
  readonly timestamp: number;
  readonly origin: RecordOrigin;
  /** the task's clock, in ms since epoch */
  now(): number;
  store<V>(ref: StoreRef<V>): StoreView<V>;
}

/** The context of one mapAsync attempt: aborted when the attempt times out or the task closes. */
export interface AsyncContext extends ProcessorContext {
  readonly signal: AbortSignal;
  /** 1 for the first call, 2 for the first retry… */
  readonly attempt: number;
}
