// split(): named branches tried in order, the first match wins, an optional default branch.
// Each branch is a pass-through node named as given, so diagrams show where records can go.
import { TopologyException } from './errors.ts';
import type { TopologyDraft } from './internals/topology-draft.ts';
import type { ProcessorNode, SplitBranch } from './nodes.ts';
import type { ProcessorContext } from './record.ts';
import type { StoreRef } from './store-ref.ts';
import { KStream } from './kstream.ts';

export class BranchedKStream<V, Names extends string = never> {
  readonly #draft: TopologyDraft;
  readonly #split: string;
  readonly #branches = new Map<string, KStream<V>>();
  #closed = false;

  /** @internal created by KStream.split */
  constructor(draft: TopologyDraft, split: string) {
    this.#draft = draft;
    this.#split = split;
  }

  /** Adds a branch tried after the ones before it. `stores` are the stores the predicate reads. */
  branch<N extends string>(name: N, predicate: (value: V, ctx: ProcessorContext) => boolean, options?: { stores?: readonly StoreRef<unknown>[] }): BranchedKStream<V, Names | N> {
    if (typeof predicate !== 'function') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${String(name)}: branch needs a predicate`);
    const split = this.#open();
    const stores = this.#draft.storeNames(split.name, options?.stores);
    this.#addBranchNode(name);
    const branches: SplitBranch[] = [...split.branches, { node: name, predicate: predicate as SplitBranch['predicate'] }];
    this.#draft.replaceProcessor({ ...split, branches, stores: [...new Set([...split.stores, ...stores])] });
    return this as unknown as BranchedKStream<V, Names | N>;
  }

  /** Ends the split with a branch for records no predicate matched; returns every branch by name. */
  defaultBranch<N extends string>(name: N): Record<Names | N, KStream<V>> {
    const split = this.#open();
    this.#addBranchNode(name);
    this.#draft.replaceProcessor({ ...split, defaultBranch: name });
    return this.#close() as Record<Names | N, KStream<V>>;
  }

  /** Ends the split; records no predicate matched are dropped. */
  noDefaultBranch(): Record<Names, KStream<V>> {
    this.#open();
    return this.#close() as Record<Names, KStream<V>>;
  }

  #open(): ProcessorNode & { op: 'split' } {
    if (this.#closed) throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${this.#split}: split already ended`);
    const node = this.#draft.requireNode(this.#split);
    if (node.kind !== 'processor' || node.op !== 'split') throw new TopologyException('TOPOLOGY_FOREIGN_NODE', `${this.#split} is not a split`);
    return node;
  }

  #addBranchNode(name: string): void {
    this.#draft.addNode({ kind: 'processor', op: 'branch', name, stores: [], deadLetter: undefined }, [this.#split]);
    this.#branches.set(name, new KStream<V>(this.#draft, name));
  }

  #close(): Record<string, KStream<V>> {
    this.#closed = true;
    return Object.fromEntries(this.#branches);
  }
}
