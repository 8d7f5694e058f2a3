// Parsing TopologyDescription text: the graph it yields, and an error naming the line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DiagramError, parseTopologyDescription } from '../../../src/streams/diagram/index.ts';
import { AVAILABILITY, AWKWARD, KAFKA_STYLE } from './fixtures.ts';

test('reads sources, processors, sinks, arrows, topics and stores', () => {
  const graph = parseTopologyDescription(AVAILABILITY);
  assert.is(graph.subtopologies.length, 1);
  const [sub] = graph.subtopologies;
  assert.is(sub!.id, 0);
  assert.is(sub!.globalStore, false);
  assert.equal(sub!.nodes.map((n) => [n.kind, n.name, n.line]), [
    ['source', 'requests-source', 3], ['source', 'priority-source', 5], ['processor', 'merge-requests', 7], ['sink', 'status-sink', 10],
  ]);
  const [requests, , merge, sink] = sub!.nodes;
  assert.equal(requests!.kind === 'source' && requests!.topics, ['platform.provisioning.internal.availability-check']);
  assert.equal(merge!.kind === 'processor' && merge!.stores, ['results-table']);
  assert.equal(merge!.predecessors, ['requests-source', 'priority-source']);
  assert.equal(merge!.successors, ['status-sink']);
  assert.equal(sink!.kind === 'sink' && [sink!.topic, sink!.extractor], ['platform.sources.status', undefined]);
});

test('reads Kafka Streams output: several sub-topologies, global store, pattern source, extractor sink, "none"', () => {
  const graph = parseTopologyDescription(KAFKA_STYLE);
  assert.equal(graph.subtopologies.map((s) => [s.id, s.globalStore, s.nodes.length]), [[0, false, 5], [1, false, 3], [2, true, 2]]);
  const nodes = new Map(graph.subtopologies.flatMap((s) => s.nodes.map((n) => [n.name, n])));
  const pattern = nodes.get('audit-source')!;
  assert.equal(pattern.kind === 'source' && [pattern.topics, pattern.topicPattern], [[], 'audit\\..*']);
  const extractor = nodes.get('KSTREAM-SINK-0000000010')!;
  assert.equal(extractor.kind === 'sink' && [extractor.topic, extractor.extractor], [undefined, 'com.example.RegionTopics@6d06d69c']);
  assert.equal(nodes.get('KSTREAM-AGGREGATE-0000000002')!.successors, []);
  const stores = nodes.get('KSTREAM-AGGREGATE-0000000002')!;
  assert.equal(stores.kind === 'processor' && stores.stores, ['count', 'audit-log']);
  assert.equal(nodes.get('KSTREAM-KEY-SELECT-0000000001')!.successors, ['KSTREAM-SINK-0000000003', 'KSTREAM-FILTER-0000000009']);
});

test('accepts the kafka-streams-viz header variant and CRLF line ends', () => {
  const text = AVAILABILITY.replace('Topologies:', 'Kafka Topology: Sub-topologies:').replace(/\n/g, '\r\n');
  assert.equal(parseTopologyDescription(text), parseTopologyDescription(AVAILABILITY));
  assert.is(parseTopologyDescription(AWKWARD).subtopologies[0]!.nodes.length, 5);
});

const MALFORMED: [string, string, number | undefined, RegExp][] = [
  ['empty text', '', undefined, /no "Sub-topology:"/],
  ['prose', 'hello\n', 1, /not part of a TopologyDescription: "hello"/],
  ['node before sub-topology', 'Topologies:\n  Source: a (topics: [t])\n', 2, /before any "Sub-topology:"/],
  ['arrow before node', 'Sub-topology: 0\n  --> b\n', 2, /before any Source/],
  ['wrong detail for kind', 'Sub-topology: 0\n  Processor: p (topics: [t])\n', 2, /a Processor has \(stores: …\)/],
  ['topics not a list', 'Sub-topology: 0\n  Source: s (topics: t)\n  --> none\n', 2, /bracketed list/],
  ['empty list entry', 'Sub-topology: 0\n  Processor: p (stores: [a, , b])\n', 2, /empty entry/],
  ['missing parenthesis', 'Sub-topology: 0\n  Source: s (topics: [t]\n', 2, /not part of a TopologyDescription/],
  ['duplicate node', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> none\nSub-topology: 1\n  Source: s (topics: [u])\n', 5, /already declared on line 2/],
  ['duplicate sub-topology', 'Sub-topology: 0\n  Source: s (topics: [t])\nSub-topology: 0\n', 3, /already declared on line 1/],
  ['empty sub-topology', 'Sub-topology: 0\nSub-topology: 1\n  Source: s (topics: [t])\n', 1, /has no nodes/],
  ['sink with successors', 'Sub-topology: 0\n  Sink: k (topic: t)\n  --> x\n', 3, /cannot have successors/],
  ['source with predecessors', 'Sub-topology: 0\n  Source: s (topics: [t])\n  <-- x\n', 3, /cannot have predecessors/],
  ['second arrow line', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> none\n  --> none\n', 4, /second "-->"/],
  ['unknown successor', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> ghost\n', 3, /no node "ghost" in sub-topology 0/],
  ['edge across sub-topologies', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> p\nSub-topology: 1\n  Processor: p (stores: [])\n  --> none\n  <-- s\n', 3, /no node "p" in sub-topology 0/],
  ['arrows disagree', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> p\n  Processor: p (stores: [])\n  --> none\n  <-- none\n', 3, /p does not list s/],
  ['header after content', 'Sub-topology: 0\n  Source: s (topics: [t])\n  --> none\nTopologies:\n', 4, /header/],
];

for (const [what, text, line, message] of MALFORMED) {
  test(`malformed: ${what} → error naming line ${line ?? '(none)'}`, () => {
    try {
      parseTopologyDescription(text);
      assert.unreachable('parsed');
    } catch (err) {
      assert.instance(err, DiagramError);
      const error = err as DiagramError;
      assert.is(error.line, line);
      assert.match(error.message, message);
      if (line !== undefined) assert.ok(error.message.startsWith(`line ${line}: `), error.message);
      assert.match(error.code, /^DIAGRAM_(PARSE|REFERENCE)$/);
    }
  });
}

test('a value that is not text is refused', () => {
  assert.throws(() => parseTopologyDescription(42 as unknown as string), (err: unknown) => err instanceof DiagramError && /text, got number/.test(err.message));
});

test.run();
