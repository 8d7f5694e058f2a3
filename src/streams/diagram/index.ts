// Topology diagrams: parse a TopologyDescription text, render Mermaid, DOT and SVG.
import { renderDot } from './dot.ts';
import { renderMermaid } from './mermaid.ts';
import { parseTopologyDescription } from './parse-description.ts';
import { renderSvg } from './svg.ts';

export { parseTopologyDescription } from './parse-description.ts';
export { renderMermaid } from './mermaid.ts';
export { renderDot } from './dot.ts';
export { renderSvg } from './svg.ts';
export { DiagramError, DIAGRAM_ERROR_CODES } from './errors.ts';
export type { DiagramErrorCode } from './errors.ts';
export type { GraphNode, ProcessorNode, SinkNode, SourceNode, Subtopology, TopologyGraph } from './model.ts';

export interface TopologyDiagrams {
  mermaid: string;
  dot: string;
  svg: string;
}

/**
 * All three diagrams of one TopologyDescription text.
 *
 * @example
 *   const { mermaid, dot, svg } = await renderDiagrams(topology.describe());
 */
export async function renderDiagrams(description: string): Promise<TopologyDiagrams> {
  const graph = parseTopologyDescription(description);
  const dot = renderDot(graph);
  return { mermaid: renderMermaid(graph), dot, svg: await renderSvg(dot) };
}
