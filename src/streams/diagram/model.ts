// The graph a TopologyDescription describes, as plain read-only data: what the renderers draw.

export interface NodeBase {
  readonly name: string;
  /** names of the nodes records flow to (`-->`), in the order printed */
  readonly successors: readonly string[];
  /** names of the nodes records come from (`<--`), in the order printed */
  readonly predecessors: readonly string[];
  /** the description line that declared the node (1-based) */
  readonly line: number;
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  /** topics read (empty when the source subscribes by pattern) */
  readonly topics: readonly string[];
  readonly topicPattern: string | undefined;
}

export interface ProcessorNode extends NodeBase {
  readonly kind: 'processor';
  readonly stores: readonly string[];
}

export interface SinkNode extends NodeBase {
  readonly kind: 'sink';
  /** the topic written, or undefined when a TopicNameExtractor picks it per record */
  readonly topic: string | undefined;
  readonly extractor: string | undefined;
}

export type GraphNode = SourceNode | ProcessorNode | SinkNode;

export interface Subtopology {
  readonly id: number;
  /** a global store's sub-topology (Kafka prints "for global store (will not generate tasks)") */
  readonly globalStore: boolean;
  readonly nodes: readonly GraphNode[];
}

export interface TopologyGraph {
  readonly subtopologies: readonly Subtopology[];
}
