// The mutable graph a StreamsBuilder fills in. Every check that can fail fails here, as the node
// is added, so a TopologyException points at the line that made the mistake.
import { TopologyException } from '../errors.ts';
import type { ProcessorNode, TopologyNode } from '../nodes.ts';
import type { StoreRef } from '../store-ref.ts';

/** Names become store, changelog and diagram identifiers: keep them to Kafka's topic characters. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A dead-letter sink declared with `builder.deadLetterSink(...)`; pass it as `deadLetter`. */
export interface DeadLetterRef {
  readonly name: string;
  readonly topic: string;
}

export function checkName(what: string, name: unknown): string {
  if (name === undefined || name === null || name === '') {
    throw new TopologyException('TOPOLOGY_MISSING_NAME', `every ${what} needs a name (a stable, non-empty string)`);
  }
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new TopologyException('TOPOLOGY_INVALID_NAME', `${what} name ${JSON.stringify(name)} must match ${NAME_PATTERN}`);
  }
  return name;
}

export class TopologyDraft {
  readonly nodes = new Map<string, TopologyNode>();
  /** [from, to] in the order they were added: successor and predecessor lists keep that order */
  readonly edges: [string, string][] = [];
  readonly stores = new Map<string, StoreRef<unknown>>();
  readonly sourceTopics = new Map<string, string>();

  constructor(readonly applicationId: string) {}

  addNode(node: TopologyNode, parents: readonly string[]): void {
    checkName(node.kind, node.name);
    if (this.nodes.has(node.name)) {
      throw new TopologyException('TOPOLOGY_DUPLICATE_NAME', `a node named "${node.name}" already exists`);
    }
    for (const parent of parents) this.requireNode(parent);
    this.nodes.set(node.name, node);
    for (const parent of parents) this.edges.push([parent, node.name]);
  }

  /** Swaps a processor's definition for an updated one (split grows as branches are added). */
  replaceProcessor(node: ProcessorNode): void {
    this.nodes.set(node.name, node);
  }

  addEdge(from: string, to: string): void {
    this.requireNode(from);
    this.requireNode(to);
    this.edges.push([from, to]);
  }

  requireNode(name: string): TopologyNode {
    const node = this.nodes.get(name);
    if (!node) throw new TopologyException('TOPOLOGY_FOREIGN_NODE', `node "${name}" does not belong to this builder`);
    return node;
  }

  addStore(ref: StoreRef<unknown>): void {
    checkName('store', ref.name);
    if (this.stores.has(ref.name)) {
      throw new TopologyException('TOPOLOGY_DUPLICATE_NAME', `a store named "${ref.name}" already exists`);
    }
    this.stores.set(ref.name, ref);
  }

  /** The names of `refs`, each checked to be a store declared on this builder. */
  storeNames(node: string, refs: readonly StoreRef<unknown>[] | undefined): string[] {
    if (refs === undefined) return [];
    if (!Array.isArray(refs)) throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${node}: stores must be an array`);
    return refs.map((ref) => {
      if (this.stores.get(ref?.name) !== ref) {
        throw new TopologyException('TOPOLOGY_UNKNOWN_STORE', `${node}: store "${String(ref?.name)}" was not declared with addStore on this builder`);
      }
      return ref.name;
    });
  }

  /** The name of a dead-letter sink declared on this builder, or undefined. */
  deadLetterName(node: string, ref: DeadLetterRef | undefined): string | undefined {
    if (ref === undefined) return undefined;
    const sink = this.nodes.get(ref?.name);
    if (!sink || sink.kind !== 'sink' || !sink.deadLetter) {
      throw new TopologyException('TOPOLOGY_FOREIGN_NODE', `${node}: deadLetter must be a sink from builder.deadLetterSink(...)`);
    }
    return sink.name;
  }
}
