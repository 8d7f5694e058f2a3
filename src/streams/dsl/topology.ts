// A built topology: an immutable graph of named nodes. Building one runs nothing; runtimes
// (src/streams/task, embedded, Kafka) execute it and the diagram renderers read its description.
import { TopologyException } from './errors.ts';
import { frozenMap } from './internals/frozen-map.ts';
import type { TopologyDraft } from './internals/topology-draft.ts';
import type { SinkNode, SourceNode, TopologyNode } from './nodes.ts';
import type { StoreRef } from './store-ref.ts';
import { describe, type TopologyDescription } from './topology-description.ts';

export class Topology {
  readonly applicationId: string;
  /** every node by name, in the order they were added */
  readonly nodes: ReadonlyMap<string, TopologyNode>;
  /** [from, to], in the order they were added */
  readonly edges: readonly (readonly [string, string])[];
  readonly sources: readonly SourceNode[];
  readonly sinks: readonly SinkNode[];
  readonly stores: readonly StoreRef<unknown>[];
  readonly #successors: ReadonlyMap<string, readonly string[]>;
  readonly #predecessors: ReadonlyMap<string, readonly string[]>;
  readonly #sourceByTopic: ReadonlyMap<string, SourceNode>;

  private constructor(draft: TopologyDraft) {
    this.applicationId = draft.applicationId;
    const nodes = new Map<string, TopologyNode>();
    for (const [name, node] of draft.nodes) {
      if (node.kind === 'processor' && node.op === 'split') {
        if (node.branches.length === 0 && node.defaultBranch === undefined) {
          throw new TopologyException('TOPOLOGY_EMPTY_SPLIT', `split "${name}" has no branch`);
        }
        nodes.set(name, Object.freeze({ ...node, branches: Object.freeze([...node.branches]), stores: Object.freeze([...node.stores]) }));
      } else {
        nodes.set(name, Object.freeze(node.kind === 'processor' ? { ...node, stores: Object.freeze([...node.stores]) } : { ...node }));
      }
    }
    this.nodes = frozenMap(nodes);
    this.edges = Object.freeze(draft.edges.map(([a, b]) => Object.freeze([a, b] as const)));
    const successors = new Map<string, string[]>([...nodes.keys()].map((n) => [n, []]));
    const predecessors = new Map<string, string[]>([...nodes.keys()].map((n) => [n, []]));
    for (const [a, b] of this.edges) {
      successors.get(a)!.push(b);
      predecessors.get(b)!.push(a);
    }
    for (const list of [...successors.values(), ...predecessors.values()]) Object.freeze(list);
    this.#successors = successors;
    this.#predecessors = predecessors;
    const all = [...nodes.values()];
    this.sources = Object.freeze(all.filter((n): n is SourceNode => n.kind === 'source'));
    this.sinks = Object.freeze(all.filter((n): n is SinkNode => n.kind === 'sink'));
    this.stores = Object.freeze([...draft.stores.values()]);
    if (this.sources.length === 0) throw new TopologyException('TOPOLOGY_NO_SOURCES', 'a topology needs at least one source');
    this.#sourceByTopic = new Map(this.sources.map((s) => [s.topic, s]));
    Object.freeze(this);
  }

  /** @internal used by StreamsBuilder.build */
  static fromDraft(draft: TopologyDraft): Topology {
    return new Topology(draft);
  }

  successors(name: string): readonly string[] {
    return this.#successors.get(name) ?? [];
  }

  predecessors(name: string): readonly string[] {
    return this.#predecessors.get(name) ?? [];
  }

  /** The source reading `topic`, if any. */
  sourceFor(topic: string): SourceNode | undefined {
    return this.#sourceByTopic.get(topic);
  }

  /** Source topics, priority sources first (the order a runtime serves them in). */
  sourceTopicsByPriority(): string[] {
    return [...this.sources].sort((a, b) => Number(b.priority) - Number(a.priority)).map((s) => s.topic);
  }

  /** The Kafka Streams TopologyDescription; `String(topology.describe())` is its text form. */
  describe(): TopologyDescription {
    return describe(this);
  }
}
