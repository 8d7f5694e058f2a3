// SVG through WASM Graphviz: well-formed XML naming every node, topic and store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DiagramError, parseTopologyDescription, renderDot, renderSvg } from '../../../src/streams/diagram/index.ts';
import { AVAILABILITY, AWKWARD, KAFKA_STYLE } from './fixtures.ts';
import { checkXml } from './xml-well-formed.ts';

for (const [name, description] of [['service', AVAILABILITY], ['kafka-style', KAFKA_STYLE], ['awkward', AWKWARD]] as const) {
  test(`${name}: the SVG is well-formed and names every node, topic and store`, async () => {
    const graph = parseTopologyDescription(description);
    const svg = await renderSvg(renderDot(graph));
    const { problem, texts } = checkXml(svg);
    assert.is(problem, undefined, problem);
    assert.match(svg, /<svg[\s>]/);
    const expected = graph.subtopologies.flatMap((sub) => sub.nodes.flatMap((node) => [
      node.name,
      ...(node.kind === 'source' ? (node.topicPattern === undefined ? node.topics : [`pattern: ${node.topicPattern}`]) : []),
      ...(node.kind === 'processor' ? node.stores : []),
      ...(node.kind === 'sink' ? [node.topic ?? `topic chosen by ${node.extractor}`] : []),
    ]));
    for (const label of expected) assert.ok(texts.includes(label), `SVG text has "${label}"`);
  });
}

test('DOT that Graphviz cannot read is a render error', async () => {
  try {
    await renderSvg('digraph { a -> ');
    assert.unreachable('rendered');
  } catch (err) {
    assert.instance(err, DiagramError);
    assert.is((err as DiagramError).code, 'DIAGRAM_RENDER');
  }
});

test.run();
