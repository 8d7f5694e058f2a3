// Mermaid flowchart of a topology (renders on GitHub/GitLab code hosts): one subgraph per
// sub-topology, sources and sinks as stadiums, processors as rounded boxes, topics as
// parallelograms, stores as cylinders; store access drawn dotted.
import type { TopologyGraph } from './model.ts';
import { planDiagram, type Box, type BoxKind } from './plan.ts';

const SHAPE: Record<BoxKind, [string, string]> = {
  source: ['([', '])'],
  sink: ['([', '])'],
  processor: ['(', ')'],
  topic: ['[/', '/]'],
  store: ['[(', ')]'],
};

/** Text inside a quoted Mermaid label: entity codes for what would end or confuse the string. */
export function mermaidLabel(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function box(b: Box): string {
  const [open, close] = SHAPE[b.kind];
  return `${b.id}${open}"${mermaidLabel(b.label)}"${close}:::${b.kind}`;
}

/**
 * @example
 *   renderMermaid(parseTopologyDescription(text)) // "flowchart TB\n  subgraph sub_0[\"Sub-topology: 0\"]\n…"
 */
export function renderMermaid(graph: TopologyGraph): string {
  const plan = planDiagram(graph);
  const lines = ['flowchart TB'];
  for (const group of plan.groups) {
    lines.push(`  subgraph ${group.id}["${mermaidLabel(group.title)}"]`);
    for (const b of group.boxes) lines.push(`    ${box(b)}`);
    lines.push('  end');
  }
  for (const b of plan.outside) lines.push(`  ${box(b)}`);
  for (const edge of plan.edges) lines.push(`  ${edge.from} ${edge.style === 'flow' ? '-->' : '-.-'} ${edge.to}`);
  lines.push(
    '  classDef source fill:#e8f1fb,stroke:#2f6db3',
    '  classDef sink fill:#e8f1fb,stroke:#2f6db3',
    '  classDef processor fill:#ffffff,stroke:#555555',
    '  classDef topic fill:#fff6dc,stroke:#b58900',
    '  classDef store fill:#eaf6ea,stroke:#3b8a3b',
  );
  return `${lines.join('\n')}\n`;
}
