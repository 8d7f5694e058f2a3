// `availability-check topology describe|mermaid|dot|svg [NAME] [--out FILE]` and
// `availability-check topology write-diagrams [--check]`: the operators' view of the topologies.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTopologyDescription, renderDot, renderMermaid, renderSvg } from '../streams/diagram/index.ts';
import { findTopology, TOPOLOGIES, type TopologyEntry } from '../../topology/index.ts';

export const DIAGRAM_FORMATS = ['describe', 'mermaid', 'dot', 'svg'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

const EXTENSIONS: Record<DiagramFormat, string> = { describe: 'topology.txt', mermaid: 'mmd', dot: 'dot', svg: 'svg' };
const DEFAULT_TOPOLOGY = 'availability-check';

/** The text of one diagram of one topology. */
export async function renderTopology(entry: TopologyEntry, format: DiagramFormat): Promise<string> {
  const description = String(entry.build().describe());
  if (format === 'describe') return description;
  const graph = parseTopologyDescription(description);
  if (format === 'mermaid') return renderMermaid(graph);
  const dot = renderDot(graph);
  return format === 'dot' ? dot : renderSvg(dot);
}

/** Where `make diagrams` keeps a topology's diagram of one format. */
export function diagramPath(entry: TopologyEntry, format: DiagramFormat): string {
  return path.join(entry.dir, `${entry.name}.${EXTENSIONS[format]}`);
}

/** Writes every diagram of every topology; with `check`, only reports the ones that differ. */
export async function writeDiagrams(check: boolean): Promise<string[]> {
  const stale: string[] = [];
  for (const entry of TOPOLOGIES) {
    for (const format of DIAGRAM_FORMATS) {
      const file = diagramPath(entry, format);
      const text = await renderTopology(entry, format);
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current === text) continue;
      stale.push(path.relative(process.cwd(), file));
      if (!check) await writeFile(file, text);
    }
  }
  return stale;
}

export async function topologyCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const outIndex = rest.indexOf('--out');
  const out = outIndex >= 0 ? rest[outIndex + 1] : undefined;
  if (outIndex >= 0 && !out) throw new Error('--out needs a file name');
  const positional = rest.filter((arg, i) => !arg.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  if (action === 'write-diagrams') {
    const check = rest.includes('--check');
    const changed = await writeDiagrams(check);
    for (const file of changed) console.log(`${check ? 'stale' : 'wrote'} ${file}`);
    if (changed.length === 0) console.log('diagrams are up to date');
    return check && changed.length > 0 ? 1 : 0;
  }
  if (action === 'list') {
    for (const entry of TOPOLOGIES) console.log(entry.name);
    return 0;
  }
  if (!DIAGRAM_FORMATS.includes(action as DiagramFormat)) {
    throw new Error(`usage: availability-check topology ${DIAGRAM_FORMATS.join('|')}|list|write-diagrams [NAME] [--out FILE]`);
  }
  const text = await renderTopology(findTopology(positional[0] ?? DEFAULT_TOPOLOGY), action as DiagramFormat);
  if (out) await writeFile(out, text); else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
