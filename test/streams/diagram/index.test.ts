// The package entry: renderDiagrams() from description text, and agreement with the DSL's own
// describe() text (formatDescription), which is what `make diagrams` feeds in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTopologyDescription, renderDiagrams } from '../../../src/streams/diagram/index.ts';
import { formatDescription, type SubtopologyDescription } from '../../../src/streams/dsl/index.ts';
import { checkXml } from './xml-well-formed.ts';
import { AVAILABILITY } from './fixtures.ts';

test('renderDiagrams gives Mermaid, DOT and SVG of the same graph', async () => {
  const { mermaid, dot, svg } = await renderDiagrams(AVAILABILITY);
  assert.ok(mermaid.startsWith('flowchart TB\n'));
  assert.ok(dot.startsWith('digraph topology {\n'));
  const { problem, texts } = checkXml(svg);
  assert.is(problem, undefined);
  for (const name of ['requests-source', 'merge-requests', 'results-table', 'platform.sources.status']) {
    assert.ok(mermaid.includes(`"${name}"`) && dot.includes(`"${name}"`) && texts.includes(name), name);
  }
});

test('parses what the DSL describe() prints, node for node', () => {
  const subtopologies: SubtopologyDescription[] = [
    {
      id: 0,
      nodes: [
        { type: 'source', name: 'requests', topics: ['req'], successors: ['split-cached', 'log'], predecessors: [] },
        { type: 'processor', name: 'split-cached', stores: ['results'], successors: ['status'], predecessors: ['requests'] },
        { type: 'processor', name: 'log', stores: [], successors: [], predecessors: ['requests'] },
        { type: 'sink', name: 'status', topic: 'platform.sources.status', successors: [], predecessors: ['split-cached'] },
      ],
    },
    { id: 1, nodes: [{ type: 'source', name: 'orphan', topics: ['x'], successors: [], predecessors: [] }] },
  ];
  const graph = parseTopologyDescription(formatDescription({ subtopologies }));
  assert.equal(
    graph.subtopologies.map((s) => ({ id: s.id, nodes: s.nodes.map((n) => [n.kind, n.name, [...n.successors], [...n.predecessors]]) })),
    subtopologies.map((s) => ({ id: s.id, nodes: s.nodes.map((n) => [n.type, n.name, [...n.successors], [...n.predecessors]]) })),
  );
});

test.run();
