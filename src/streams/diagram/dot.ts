// Graphviz DOT of a topology: one cluster per sub-topology, topics as parallelograms, stores as
// cylinders, store access as a dashed undirected edge. Feed it to svg.ts or to `dot -Tsvg`.
import type { TopologyGraph } from './model.ts';
import { planDiagram, type Box, type BoxKind } from './plan.ts';

const ATTRS: Record<BoxKind, string> = {
  source: 'shape=box, style="rounded,filled", fillcolor="#e8f1fb"',
  sink: 'shape=box, style="rounded,filled", fillcolor="#e8f1fb"',
  processor: 'shape=box, style="rounded,filled", fillcolor="#ffffff"',
  topic: 'shape=parallelogram, style=filled, fillcolor="#fff6dc"',
  store: 'shape=cylinder, style=filled, fillcolor="#eaf6ea"',
};

/** A DOT quoted string: backslash and double quote escaped, newlines as \n. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function box(b: Box): string {
  return `${b.id} [label=${dotString(b.label)}, ${ATTRS[b.kind]}];`;
}

/**
 * @example
 *   renderDot(parseTopologyDescription(text)) // "digraph topology {\n  rankdir=TB;\n…"
 */
export function renderDot(graph: TopologyGraph): string {
  const plan = planDiagram(graph);
  const lines = ['digraph topology {', '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica"];'];
  for (const group of plan.groups) {
    lines.push(`  subgraph cluster_${group.id} {`, `    label=${dotString(group.title)};`, '    style=filled;', '    color="#eeeeee";');
    for (const b of group.boxes) lines.push(`    ${box(b)}`);
    lines.push('  }');
  }
  for (const b of plan.outside) lines.push(`  ${box(b)}`);
  for (const edge of plan.edges) lines.push(`  ${edge.from} -> ${edge.to}${edge.style === 'store' ? ' [style=dashed, dir=none]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
