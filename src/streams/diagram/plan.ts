// What both renderers draw, worked out once from the graph: every box with a safe id and its
// label, the sub-topology it sits in, and every edge. Ids are [A-Za-z][A-Za-z0-9_]*, valid
// unquoted in both Mermaid and DOT; a prefix per kind keeps a topic and a node of the same name
// apart and keeps ids off reserved words ("end", "graph", "node", "subgraph", …).
import type { TopologyGraph } from './model.ts';

export type BoxKind = 'source' | 'processor' | 'sink' | 'topic' | 'store';

export interface Box {
  readonly id: string;
  readonly label: string;
  readonly kind: BoxKind;
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** record flow, or a processor's access to its store */
  readonly style: 'flow' | 'store';
}

export interface DiagramPlan {
  readonly groups: readonly { readonly id: string; readonly title: string; readonly boxes: readonly Box[] }[];
  /** topics, and stores shared by several sub-topologies */
  readonly outside: readonly Box[];
  readonly edges: readonly Edge[];
}

const PREFIX: Record<BoxKind, string> = { source: 'n_', processor: 'n_', sink: 'n_', topic: 't_', store: 's_' };

class IdAllocator {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  idFor(kind: BoxKind, name: string): string {
    const family = PREFIX[kind];
    const key = `${family}\u0000${name}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const base = family + name.replace(/[^A-Za-z0-9]/g, '_');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }
}

export function planDiagram(graph: TopologyGraph): DiagramPlan {
  const ids = new IdAllocator();
  const edges: Edge[] = [];
  const topics = new Map<string, Box>();
  const stores = new Map<string, { box: Box; subs: Set<number> }>();
  const topicBox = (label: string): Box => {
    let box = topics.get(label);
    if (box === undefined) {
      box = { id: ids.idFor('topic', label), label, kind: 'topic' };
      topics.set(label, box);
    }
    return box;
  };

  const groups = graph.subtopologies.map((sub) => {
    const boxes: Box[] = sub.nodes.map((node) => ({ id: ids.idFor(node.kind, node.name), label: node.name, kind: node.kind }));
    sub.nodes.forEach((node, i) => {
      const self = boxes[i]!.id;
      for (const next of node.successors) edges.push({ from: self, to: ids.idFor('processor', next), style: 'flow' });
      if (node.kind === 'source') {
        const inputs = node.topicPattern === undefined ? node.topics : [`pattern: ${node.topicPattern}`];
        for (const topic of inputs) edges.push({ from: topicBox(topic).id, to: self, style: 'flow' });
      } else if (node.kind === 'sink') {
        const target = node.topic ?? `topic chosen by ${node.extractor ?? 'an extractor'}`;
        edges.push({ from: self, to: topicBox(target).id, style: 'flow' });
      } else {
        for (const store of node.stores) {
          let entry = stores.get(store);
          if (entry === undefined) {
            entry = { box: { id: ids.idFor('store', store), label: store, kind: 'store' }, subs: new Set() };
            stores.set(store, entry);
          }
          entry.subs.add(sub.id);
          edges.push({ from: self, to: entry.box.id, style: 'store' });
        }
      }
    });
    const title = `Sub-topology: ${sub.id}${sub.globalStore ? ' (global store)' : ''}`;
    return { id: `sub_${sub.id}`, title, boxes, subId: sub.id };
  });

  // a store used by one sub-topology only is drawn inside it
  const outside: Box[] = [...topics.values()];
  for (const { box, subs } of stores.values()) {
    const only = subs.size === 1 ? groups.find((g) => g.subId === [...subs][0]) : undefined;
    if (only) only.boxes.push(box);
    else outside.push(box);
  }
  return { groups: groups.map(({ id, title, boxes }) => ({ id, title, boxes })), outside, edges };
}
