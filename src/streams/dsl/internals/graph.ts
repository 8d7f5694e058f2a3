// Graph helpers for the description: connected components and a stable topological order.

/** Nodes grouped by connected component (edges taken as undirected), ordered by first node. */
export function connectedComponents(nodes: readonly string[], edges: readonly (readonly [string, string])[]): string[][] {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (n: string): string => {
    let root = n;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(n, root);
    return root;
  };
  for (const [a, b] of edges) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  }
  const groups = new Map<string, string[]>();
  for (const n of nodes) {
    const root = find(n);
    const group = groups.get(root);
    if (group) group.push(n); else groups.set(root, [n]);
  }
  return [...groups.values()];
}

/** Kahn's algorithm; among ready nodes the one added first goes first. Input must be acyclic. */
export function topologicalOrder(nodes: readonly string[], edges: readonly (readonly [string, string])[]): string[] {
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const indegree = new Map(nodes.map((n) => [n, 0]));
  const out = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const [a, b] of edges) {
    if (!rank.has(a) || !rank.has(b)) continue;
    out.get(a)!.push(b);
    indegree.set(b, indegree.get(b)! + 1);
  }
  const ready = nodes.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((x, y) => rank.get(x)! - rank.get(y)!);
    const next = ready.shift()!;
    order.push(next);
    for (const child of out.get(next)!) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}
