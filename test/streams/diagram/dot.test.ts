// DOT rendering: the exact text for the service's topology, clusters per sub-topology, and
// escaping of labels Graphviz would otherwise misread.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTopologyDescription, renderDot } from '../../../src/streams/diagram/index.ts';
import { dotString } from '../../../src/streams/diagram/dot.ts';
import { AVAILABILITY, AWKWARD, KAFKA_STYLE } from './fixtures.ts';

test('the service topology renders to this exact DOT', () => {
  assert.fixture(renderDot(parseTopologyDescription(AVAILABILITY)), `digraph topology {
  rankdir=TB;
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica"];
  subgraph cluster_sub_0 {
    label="Sub-topology: 0";
    style=filled;
    color="#eeeeee";
    n_requests_source [label="requests-source", shape=box, style="rounded,filled", fillcolor="#e8f1fb"];
    n_priority_source [label="priority-source", shape=box, style="rounded,filled", fillcolor="#e8f1fb"];
    n_merge_requests [label="merge-requests", shape=box, style="rounded,filled", fillcolor="#ffffff"];
    n_status_sink [label="status-sink", shape=box, style="rounded,filled", fillcolor="#e8f1fb"];
    s_results_table [label="results-table", shape=cylinder, style=filled, fillcolor="#eaf6ea"];
  }
  t_platform_provisioning_internal_availability_check [label="platform.provisioning.internal.availability-check", shape=parallelogram, style=filled, fillcolor="#fff6dc"];
  t_platform_provisioning_internal_availability_check_priority [label="platform.provisioning.internal.availability-check-priority", shape=parallelogram, style=filled, fillcolor="#fff6dc"];
  t_platform_sources_status [label="platform.sources.status", shape=parallelogram, style=filled, fillcolor="#fff6dc"];
  n_requests_source -> n_merge_requests;
  t_platform_provisioning_internal_availability_check -> n_requests_source;
  n_priority_source -> n_merge_requests;
  t_platform_provisioning_internal_availability_check_priority -> n_priority_source;
  n_merge_requests -> n_status_sink;
  n_merge_requests -> s_results_table [style=dashed, dir=none];
  n_status_sink -> t_platform_sources_status;
}
`);
});

test('one cluster per sub-topology, every edge between declared nodes', () => {
  const text = renderDot(parseTopologyDescription(KAFKA_STYLE));
  assert.equal([...text.matchAll(/subgraph (cluster_sub_\d+)/g)].map((m) => m[1]), ['cluster_sub_0', 'cluster_sub_1', 'cluster_sub_2']);
  const declared = new Set([...text.matchAll(/^\s*([A-Za-z]\w*) \[label=/gm)].map((m) => m[1]));
  const edges = [...text.matchAll(/^\s*([A-Za-z]\w*) -> ([A-Za-z]\w*)/gm)];
  assert.is(edges.length, 16, "7 between nodes, 6 to or from topics, 3 to stores");
  for (const [, from, to] of edges) assert.ok(declared.has(from!) && declared.has(to!), `${from} -> ${to}`);
});

test('labels escape quotes and backslashes; ids stay bare identifiers', () => {
  const text = renderDot(parseTopologyDescription(AWKWARD));
  assert.match(text, /t_pattern___x___y___z_d \[label="pattern: \\"x\\"\|<y>&#z\\\\d"/);
  for (const [, id] of text.matchAll(/^\s*(\S+) \[label=/gm)) assert.match(id!, /^[nts]_[A-Za-z0-9_]+$/);
  assert.is(dotString('a\\b"c\nd'), '"a\\\\b\\"c\\nd"');
});

test.run();
