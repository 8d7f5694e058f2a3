// SVG from DOT through Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no system
// Graphviz needed. The WASM module loads once per process and is reused.
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { DiagramError } from './errors.ts';

let graphviz: Promise<Graphviz> | undefined;

/**
 * @example
 *   const svg = await renderSvg(renderDot(graph)); // '<?xml …><svg …>…</svg>'
 */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load();
  const engine = await graphviz;
  try {
    return engine.dot(dot, 'svg');
  } catch (cause) {
    throw new DiagramError('DIAGRAM_RENDER', `Graphviz could not lay out the DOT text: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
}
