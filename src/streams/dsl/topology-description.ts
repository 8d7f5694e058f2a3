// Kafka Streams' TopologyDescription: the structured form, and its text form byte for byte
// (tools such as kafka-streams-viz and this project's diagram renderers parse the text).
import { connectedComponents, topologicalOrder } from './internals/graph.ts';
import type { Topology } from './topology.ts';

export interface SourceDescription {
  readonly type: 'source';
  readonly name: string;
  readonly topics: readonly string[];
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

export interface ProcessorDescription {
  readonly type: 'processor';
  readonly name: string;
  readonly stores: readonly string[];
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

export interface SinkDescription {
  readonly type: 'sink';
  readonly name: string;
  readonly topic: string;
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

export type NodeDescription = SourceDescription | ProcessorDescription | SinkDescription;

export interface SubtopologyDescription {
  readonly id: number;
  /** in topological order (ties: the order nodes were added) */
  readonly nodes: readonly NodeDescription[];
}

export interface TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  /** every topic read or written, changelogs included */
  readonly topics: readonly string[];
  /** store name → changelog topic */
  readonly stores: Readonly<Record<string, string>>;
  /** the Kafka Streams text form */
  toString(): string;
}

/** The description of a built topology. Sub-topologies are its connected components. */
export function describe(topology: Topology): TopologyDescription {
  const names = [...topology.nodes.keys()];
  const edges = topology.edges;
  const subtopologies = connectedComponents(names, edges).map((component, id): SubtopologyDescription => {
    const inComponent = new Set(component);
    const order = topologicalOrder(component, edges.filter(([a]) => inComponent.has(a)));
    return Object.freeze({ id, nodes: Object.freeze(order.map((name) => describeNode(topology, name))) });
  });
  const topics = [...new Set([
    ...topology.sources.map((s) => s.topic),
    ...topology.sinks.map((s) => s.topic),
    ...topology.stores.map((s) => s.changelogTopic),
  ])];
  const stores = Object.fromEntries(topology.stores.map((s) => [s.name, s.changelogTopic]));
  const description: TopologyDescription = {
    subtopologies: Object.freeze(subtopologies),
    topics: Object.freeze(topics),
    stores: Object.freeze(stores),
    toString: () => formatDescription(description),
  };
  return Object.freeze(description);
}

function describeNode(topology: Topology, name: string): NodeDescription {
  const node = topology.nodes.get(name)!;
  const successors = topology.successors(name);
  const predecessors = topology.predecessors(name);
  switch (node.kind) {
    case 'source': return Object.freeze({ type: 'source', name, topics: [node.topic], successors, predecessors });
    case 'processor': return Object.freeze({ type: 'processor', name, stores: node.stores, successors, predecessors });
    case 'sink': return Object.freeze({ type: 'sink', name, topic: node.topic, successors, predecessors });
  }
}

function nodeNames(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function formatNode(node: NodeDescription): string {
  switch (node.type) {
    case 'source':
      return `Source: ${node.name} (topics: [${node.topics.join(', ')}])\n      --> ${nodeNames(node.successors)}`;
    case 'processor':
      return `Processor: ${node.name} (stores: [${node.stores.join(', ')}])\n      --> ${nodeNames(node.successors)}\n      <-- ${nodeNames(node.predecessors)}`;
    case 'sink':
      return `Sink: ${node.name} (topic: ${node.topic})\n      <-- ${nodeNames(node.predecessors)}`;
  }
}

/**
 * The exact layout of Kafka's TopologyDescription#toString, quirks included: "Topologies:\n " then
 * each sub-topology prefixed by two spaces (so the first line is indented by three), nodes by
 * four, and a blank line after each sub-topology.
 */
export function formatDescription(description: Pick<TopologyDescription, 'subtopologies'>): string {
  let text = 'Topologies:\n ';
  for (const sub of description.subtopologies) {
    text += `  Sub-topology: ${sub.id}\n`;
    for (const node of sub.nodes) text += `    ${formatNode(node)}\n`;
    text += '\n';
  }
  return text;
}
