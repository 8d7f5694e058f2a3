import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, jsonCodec, StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { jsonValueCodec } from '../../../src/streams/store/index.ts';
import { parseTopologyDescription } from '../../../src/streams/diagram/index.ts';
import { buildTopology as buildOrderRouting } from '../../../topology/examples/order-routing.ts';

function requestTopology() {
  const b = new StreamsBuilder({ applicationId: 'availability-check' });
  const results = b.addStore('results', { ttlMs: 1000, codec: jsonValueCodec });
  const requests = b.stream('requests-source', 'platform.provisioning.internal.availability-check', { codec: jsonCodec() });
  const priority = b.stream('priority-source', 'priority', { codec: jsonCodec(), priority: true });
  const routes = requests.merge('merge-requests', priority)
    .split('split-cache')
    .branch('cached', (_v, ctx) => ctx.store(results).get(String(ctx.key)) !== undefined, { stores: [results] })
    .defaultBranch('uncached');
  routes.cached.mapValues('to-status', (v) => v).to('status-sink', 'platform.sources.status', { codec: jsonCodec() });
  routes.uncached.to('check-sink', 'checks', { codec: jsonCodec() });
  return b.build();
}

test('text form: Kafka Streams TopologyDescription, byte for byte', () => {
  const expected = [
    'Topologies:',
    '   Sub-topology: 0',
    '    Source: requests-source (topics: [platform.provisioning.internal.availability-check])',
    '      --> merge-requests',
    '    Source: priority-source (topics: [priority])',
    '      --> merge-requests',
    '    Processor: merge-requests (stores: [])',
    '      --> split-cache',
    '      <-- requests-source, priority-source',
    '    Processor: split-cache (stores: [results])',
    '      --> cached, uncached',
    '      <-- merge-requests',
    '    Processor: cached (stores: [])',
    '      --> to-status',
    '      <-- split-cache',
    '    Processor: uncached (stores: [])',
    '      --> check-sink',
    '      <-- split-cache',
    '    Processor: to-status (stores: [])',
    '      --> status-sink',
    '      <-- cached',
    '    Sink: status-sink (topic: platform.sources.status)',
    '      <-- to-status',
    '    Sink: check-sink (topic: checks)',
    '      <-- uncached',
    '',
    '',
  ].join('\n');
  assert.fixture(String(requestTopology().describe()), expected);
});

test('connected components become sub-topologies; later ones are indented by two (Kafka quirk)', () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  b.stream('a-source', 'a', { codec: stringCodec }).to('a-sink', 'a-out', { codec: stringCodec });
  b.stream('b-source', 'b', { codec: stringCodec }).filter('b-filter', () => true);
  const text = String(b.build().describe());
  assert.fixture(text, [
    'Topologies:',
    '   Sub-topology: 0',
    '    Source: a-source (topics: [a])',
    '      --> a-sink',
    '    Sink: a-sink (topic: a-out)',
    '      <-- a-source',
    '',
    '  Sub-topology: 1',
    '    Source: b-source (topics: [b])',
    '      --> b-filter',
    '    Processor: b-filter (stores: [])',
    '      --> none',
    '      <-- b-source',
    '',
    '',
  ].join('\n'));
});

test('structured form: nodes with successors, predecessors, topics and stores', () => {
  const description = describe(requestTopology());
  assert.is(description.subtopologies.length, 1);
  const nodes = description.subtopologies[0]!.nodes;
  assert.equal(nodes.map((n) => n.name), ['requests-source', 'priority-source', 'merge-requests', 'split-cache', 'cached', 'uncached', 'to-status', 'status-sink', 'check-sink']);
  const split = nodes.find((n) => n.name === 'split-cache')!;
  assert.equal(split, { type: 'processor', name: 'split-cache', stores: ['results'], successors: ['cached', 'uncached'], predecessors: ['merge-requests'] });
  assert.equal(description.stores, { results: 'availability-check-results-changelog' });
  assert.equal([...description.topics].sort(), ['availability-check-results-changelog', 'checks', 'platform.provisioning.internal.availability-check', 'platform.sources.status', 'priority']);
});

test('every node comes after its predecessors (topological order)', () => {
  for (const topology of [requestTopology(), buildOrderRouting()]) {
    for (const sub of topology.describe().subtopologies) {
      const seen = new Set<string>();
      for (const node of sub.nodes) {
        for (const p of node.predecessors) assert.ok(seen.has(p), `${p} before ${node.name}`);
        seen.add(node.name);
      }
    }
  }
});

test('the diagram parser reads the text back into the same graph', () => {
  const topology = requestTopology();
  const graph = parseTopologyDescription(String(topology.describe()));
  const parsed = graph.subtopologies.flatMap((s) => s.nodes.map((n) => [n.name, n.successors, n.predecessors]));
  const ours = topology.describe().subtopologies.flatMap((s) => s.nodes.map((n) => [n.name, n.successors, n.predecessors]));
  assert.equal(parsed, ours);
});

test.run();
