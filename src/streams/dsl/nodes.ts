// The topology as data: one record per node. The builder fills these in; the task executor reads
// them; the description prints them. User functions are typed loosely here (the KStream API
// keeps the types), because one graph mixes values of every type.
import type { Codec } from './codec.ts';
import type { AsyncContext, KeyValue, ProcessorContext, StreamRecord } from './record.ts';
import type { RetryPolicy } from './retry-policy.ts';

export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: string;
  readonly codec: Codec<unknown>;
  /** the runtime serves priority sources first (pauses the others while these have lag) */
  readonly priority: boolean;
  /** where records that fail to decode (or fail in a later step with no sink of its own) go */
  readonly deadLetter: string | undefined;
}

export interface SinkNode {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string;
  /** undefined for a dead-letter sink: it writes the original input bytes */
  readonly codec: Codec<unknown> | undefined;
  readonly deadLetter: boolean;
}

export interface AsyncStepOptions {
  /** most calls running at once in this step (per task) */
  readonly concurrency: number;
  /** one attempt's limit; the attempt's signal aborts then */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** a record whose key already has a call running (or queued) shares that call's result */
  readonly coalesceByKey: boolean;
}

export type Operation =
  | { readonly op: 'filter'; readonly predicate: (value: unknown, ctx: ProcessorContext) => boolean }
  | { readonly op: 'map'; readonly mapper: (record: StreamRecord<unknown>, ctx: ProcessorContext) => KeyValue<unknown> }
  | { readonly op: 'mapValues'; readonly mapper: (value: unknown, ctx: ProcessorContext) => unknown }
  | { readonly op: 'flatMap'; readonly mapper: (record: StreamRecord<unknown>, ctx: ProcessorContext) => Iterable<KeyValue<unknown>> }
  | { readonly op: 'peek'; readonly action: (value: unknown, ctx: ProcessorContext) => void }
  | { readonly op: 'mapAsync'; readonly call: (value: unknown, ctx: AsyncContext) => Promise<unknown>; readonly options: AsyncStepOptions }
  | { readonly op: 'split'; readonly branches: readonly SplitBranch[]; readonly defaultBranch: string | undefined }
  | { readonly op: 'branch' }
  | { readonly op: 'merge' };

export interface SplitBranch {
  /** the branch's node name */
  readonly node: string;
  readonly predicate: (value: unknown, ctx: ProcessorContext) => boolean;
}

export type ProcessorNode = Operation & {
  readonly kind: 'processor';
  readonly name: string;
  /** names of the stores this node may use */
  readonly stores: readonly string[];
  /** dead-letter sink for this node's failures (else the source's) */
  readonly deadLetter: string | undefined;
};

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;
