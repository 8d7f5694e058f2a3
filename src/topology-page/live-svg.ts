// The diagram the live page draws on: the same DOT → WASM Graphviz SVG as `topology svg`, built
// from the running topology (so topic names are the configured ones), with each node's and
// topic's <g> given its DOT id, so the page can find a node by `document.getElementById`.
import { parseTopologyDescription, renderDot, renderSvg } from '../streams/diagram/index.ts';
import { planDiagram } from '../streams/diagram/plan.ts';
import type { Topology } from '../streams/dsl/topology.ts';

export interface LiveSvg {
  /** an <svg> element, ready to inline in HTML (no XML prolog, doctype or comments) */
  svg: string;
  /** node name → element id, for sources, processors and sinks */
  nodeIds: ReadonlyMap<string, string>;
  /** topic name → element id */
  topicIds: ReadonlyMap<string, string>;
}

/** Graphviz names node groups node1, node2…; its <title> holds the DOT id, which we make the element id. */
export function idsFromTitles(svg: string): string {
  return svg.replace(/<g id="node\d+" class="node">\s*<title>([A-Za-z][A-Za-z0-9_]*)<\/title>/g, '<g id="$1" class="node">\n<title>$1</title>');
}

/** The inline form of a Graphviz SVG document. */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('the Graphviz output holds no <svg> element');
  return svg.slice(start).replace(/<!--[\s\S]*?-->\n?/g, '');
}

/**
 * @example const { svg, nodeIds } = await renderLiveSvg(topology); nodeIds.get('check-source') // 'n_check_source'
 */
export async function renderLiveSvg(topology: Topology): Promise<LiveSvg> {
  const graph = parseTopologyDescription(String(topology.describe()));
  const plan = planDiagram(graph);
  const nodeIds = new Map<string, string>();
  const topicIds = new Map<string, string>();
  for (const box of [...plan.groups.flatMap((g) => g.boxes), ...plan.outside]) {
    if (box.kind === 'topic') topicIds.set(box.label, box.id);
    else if (box.kind !== 'store') nodeIds.set(box.label, box.id);
  }
  const svg = idsFromTitles(inlineSvg(await renderSvg(renderDot(graph))));
  return { svg, nodeIds, topicIds };
}
