// Parses the text Kafka Streams' `Topology.describe().toString()` prints (and our describe()
// prints the same) into a TopologyGraph. It reads the same line grammar as kafka-streams-viz,
// so a description that tool draws, this draws, but it is strict where that tool is lenient:
// any line it does not recognise is an error naming the line.
//
//   Topologies:                                              header (optional; also "… Sub-topologies:")
//      Sub-topology: 0                                       or "Sub-topology: 1 for global store (will not generate tasks)"
//       Source: name (topics: [a, b])                        or (topic pattern: regex)
//         --> next-a, next-b                                 "none" when there is no successor
//       Processor: name (stores: [s])
//         --> none
//         <-- previous
//       Sink: name (topic: t)                                or (extractor class: com.example.Picker)
//         <-- previous
import { DiagramError } from './errors.ts';
import type { GraphNode, Subtopology, TopologyGraph } from './model.ts';

const HEADER = /^(?:.*\s)?(?:Topologies|Sub-topologies):$/;
const SUBTOPOLOGY = /^Sub-topology:\s*(\d+)(\s+for global store \(will not generate tasks\))?$/;
const NODE = /^(Source|Processor|Sink):\s+(\S+)\s+\((topics|topic pattern|stores|topic|extractor class):\s*(.*)\)$/;
const ARROW = /^(-->|<--)\s+(.+)$/;

const DETAIL_BY_KIND: Record<string, readonly string[]> = {
  Source: ['topics', 'topic pattern'],
  Processor: ['stores'],
  Sink: ['topic', 'extractor class'],
};

interface MutableNode {
  kind: GraphNode['kind'];
  name: string;
  line: number;
  detail: string;
  detailValue: string;
  successors?: { names: string[]; line: number };
  predecessors?: { names: string[]; line: number };
}

interface MutableSubtopology {
  id: number;
  globalStore: boolean;
  line: number;
  nodes: MutableNode[];
}

/** `[a, b]` → ['a', 'b']; `[]` → []. */
function parseList(text: string, what: string, line: number): string[] {
  const match = /^\[(.*)\]$/.exec(text.trim());
  if (!match) throw new DiagramError('DIAGRAM_PARSE', `${what} must be a bracketed list like [a, b], got "${text}"`, { line });
  const inner = match[1]!.trim();
  if (inner === '') return [];
  const items = inner.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new DiagramError('DIAGRAM_PARSE', `${what} has an empty entry: "${text}"`, { line });
  return items;
}

/** `a, b` → ['a', 'b']; `none` → []. */
function parseNames(text: string, line: number): string[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.length === 1 && names[0] === 'none') return [];
  for (const name of names) {
    if (!/^\S+$/.test(name)) throw new DiagramError('DIAGRAM_PARSE', `expected node names separated by ", ", got "${text}"`, { line });
  }
  return names;
}

function freeze(node: MutableNode): GraphNode {
  const base = {
    name: node.name,
    line: node.line,
    successors: Object.freeze(node.successors?.names ?? []),
    predecessors: Object.freeze(node.predecessors?.names ?? []),
  };
  switch (node.kind) {
    case 'source':
      return Object.freeze(node.detail === 'topics'
        ? { ...base, kind: 'source', topics: Object.freeze(parseList(node.detailValue, 'topics', node.line)), topicPattern: undefined }
        : { ...base, kind: 'source', topics: Object.freeze([]), topicPattern: node.detailValue.trim() });
    case 'processor':
      return Object.freeze({ ...base, kind: 'processor', stores: Object.freeze(parseList(node.detailValue, 'stores', node.line)) });
    case 'sink':
      return Object.freeze(node.detail === 'topic'
        ? { ...base, kind: 'sink', topic: node.detailValue.trim(), extractor: undefined }
        : { ...base, kind: 'sink', topic: undefined, extractor: node.detailValue.trim() });
  }
}

/** Every arrow names a node of the same sub-topology, and `A --> B` agrees with `B <-- A`. */
function checkReferences(sub: MutableSubtopology): void {
  const byName = new Map(sub.nodes.map((node) => [node.name, node]));
  for (const node of sub.nodes) {
    for (const [arrow, list] of [['-->', node.successors], ['<--', node.predecessors]] as const) {
      if (list === undefined) continue;
      for (const name of list.names) {
        const other = byName.get(name);
        if (other === undefined) {
          throw new DiagramError('DIAGRAM_REFERENCE', `${node.name} ${arrow} ${name}: no node "${name}" in sub-topology ${sub.id}`, { line: list.line });
        }
        // sources print no `<--` line and sinks no `-->` line, so only check the side that is printed
        const back = arrow === '-->' ? other.predecessors : other.successors;
        const printsBack = arrow === '-->' ? other.kind !== 'source' : other.kind !== 'sink';
        if (printsBack && !back?.names.includes(node.name)) {
          throw new DiagramError('DIAGRAM_REFERENCE', `${node.name} ${arrow} ${name}, but ${name} does not list ${node.name} ${arrow === '-->' ? 'after <--' : 'after -->'}`, { line: list.line });
        }
      }
    }
  }
}

/**
 * Parses a TopologyDescription text.
 *
 * @example
 *   const graph = parseTopologyDescription(topology.describe());
 *   graph.subtopologies[0].nodes.map((n) => n.name); // ['requests-source', 'merge-requests', …]
 * @throws DiagramError (code DIAGRAM_PARSE or DIAGRAM_REFERENCE) naming the offending line
 */
export function parseTopologyDescription(text: string): TopologyGraph {
  if (typeof text !== 'string') throw new DiagramError('DIAGRAM_PARSE', `a topology description is text, got ${typeof text}`);
  const subtopologies: MutableSubtopology[] = [];
  const allNames = new Map<string, number>();
  let current: MutableSubtopology | undefined;
  let node: MutableNode | undefined;

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return;
    if (HEADER.test(content)) {
      if (current !== undefined) throw new DiagramError('DIAGRAM_PARSE', `header "${content}" after the first sub-topology`, { line });
      return;
    }
    let match = SUBTOPOLOGY.exec(content);
    if (match) {
      const id = Number(match[1]);
      const previous = subtopologies.find((s) => s.id === id);
      if (previous) throw new DiagramError('DIAGRAM_PARSE', `sub-topology ${id} already declared on line ${previous.line}`, { line });
      current = { id, globalStore: match[2] !== undefined, line, nodes: [] };
      subtopologies.push(current);
      node = undefined;
      return;
    }
    match = NODE.exec(content);
    if (match) {
      const [, kindWord, name, detail, detailValue] = match as unknown as [string, string, string, string, string];
      if (current === undefined) throw new DiagramError('DIAGRAM_PARSE', `${kindWord} "${name}" before any "Sub-topology:" line`, { line });
      if (!DETAIL_BY_KIND[kindWord]!.includes(detail)) {
        throw new DiagramError('DIAGRAM_PARSE', `a ${kindWord} has (${DETAIL_BY_KIND[kindWord]!.join(': …) or (')}: …), not (${detail}: …)`, { line });
      }
      const seen = allNames.get(name);
      if (seen !== undefined) throw new DiagramError('DIAGRAM_PARSE', `node "${name}" already declared on line ${seen}`, { line });
      allNames.set(name, line);
      node = { kind: kindWord.toLowerCase() as GraphNode['kind'], name, line, detail, detailValue };
      current.nodes.push(node);
      if (node.kind !== 'processor') freeze(node); // validates the topic list now, with this line number
      return;
    }
    match = ARROW.exec(content);
    if (match) {
      const arrow = match[1]!;
      if (node === undefined) throw new DiagramError('DIAGRAM_PARSE', `"${arrow}" line before any Source/Processor/Sink line`, { line });
      const names = parseNames(match[2]!, line);
      if (arrow === '-->') {
        if (node.kind === 'sink') throw new DiagramError('DIAGRAM_PARSE', `sink "${node.name}" cannot have successors`, { line });
        if (node.successors) throw new DiagramError('DIAGRAM_PARSE', `second "-->" line for "${node.name}"`, { line });
        node.successors = { names, line };
      } else {
        if (node.kind === 'source') throw new DiagramError('DIAGRAM_PARSE', `source "${node.name}" cannot have predecessors`, { line });
        if (node.predecessors) throw new DiagramError('DIAGRAM_PARSE', `second "<--" line for "${node.name}"`, { line });
        node.predecessors = { names, line };
      }
      return;
    }
    throw new DiagramError('DIAGRAM_PARSE', `not part of a TopologyDescription: "${content}"`, { line });
  });

  if (subtopologies.length === 0) throw new DiagramError('DIAGRAM_PARSE', 'no "Sub-topology:" line: not a TopologyDescription');
  for (const sub of subtopologies) {
    if (sub.nodes.length === 0) throw new DiagramError('DIAGRAM_PARSE', `sub-topology ${sub.id} has no nodes`, { line: sub.line });
    checkReferences(sub);
  }
  return Object.freeze({
    subtopologies: Object.freeze(subtopologies.map((sub): Subtopology => Object.freeze({
      id: sub.id,
      globalStore: sub.globalStore,
      nodes: Object.freeze(sub.nodes.map(freeze)),
    }))),
  });
}
