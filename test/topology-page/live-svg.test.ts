import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { idsFromTitles, inlineSvg, renderLiveSvg } from '../../src/topology-page/live-svg.ts';
import { findTopology } from '../../topology/index.ts';

test('every node and topic of the availability topology gets its DOT id as element id', async () => {
  const topology = findTopology('availability-check').build();
  const { svg, nodeIds, topicIds } = await renderLiveSvg(topology);
  assert.ok(svg.startsWith('<svg'), 'inline: no prolog or doctype');
  assert.not.ok(svg.includes('<!--'), 'no comments');
  assert.is(nodeIds.size, topology.nodes.size);
  assert.is(nodeIds.get('check-source'), 'n_check_source');
  for (const id of [...nodeIds.values(), ...topicIds.values()]) assert.ok(svg.includes(`<g id="${id}" class="node">`), `no element ${id}`);
  assert.ok(topicIds.has('platform.sources.status'));
  assert.not.match(svg, /<g id="node\d+" class="node">/);
});

test('id rewriting and inlining work on Graphviz output shapes', () => {
  assert.is(idsFromTitles('<g id="node12" class="node">\n<title>n_a_b</title>\n<path/>'), '<g id="n_a_b" class="node">\n<title>n_a_b</title>\n<path/>');
  assert.is(idsFromTitles('<g id="edge3" class="edge">\n<title>a&#45;&gt;b</title>'), '<g id="edge3" class="edge">\n<title>a&#45;&gt;b</title>');
  assert.is(inlineSvg('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg>\n<!-- n -->\n<g/></svg>'), '<svg>\n<g/></svg>');
  assert.throws(() => inlineSvg('not svg'), /no <svg> element/);
});

test.run();
