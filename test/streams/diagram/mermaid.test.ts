// Mermaid rendering: the exact text for the service's topology, and safe ids and labels for
// awkward names (every line must stay within the small grammar the renderer emits).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTopologyDescription, renderMermaid } from '../../../src/streams/diagram/index.ts';
import { mermaidLabel } from '../../../src/streams/diagram/mermaid.ts';
import { AVAILABILITY, AWKWARD, KAFKA_STYLE } from './fixtures.ts';

const ID = '[A-Za-z][A-Za-z0-9_]*';
const LABEL = '"[^"]*"';
const BOX = new RegExp(`^\\s*(${ID})(?:\\(\\[${LABEL}\\]\\)|\\(${LABEL}\\)|\\[/${LABEL}/\\]|\\[\\(${LABEL}\\)\\]):::(source|sink|processor|topic|store)$`);
const EDGE = new RegExp(`^\\s*(${ID}) (-->|-\\.-) (${ID})$`);
const SUBGRAPH = new RegExp(`^\\s*subgraph (${ID})\\[${LABEL}\\]$`);

/** Checks every line against the grammar; returns declared box ids and edges. */
function structure(text: string) {
  const boxes = new Map<string, string>();
  const edges: [string, string, string][] = [];
  let depth = 0;
  const lines = text.trimEnd().split('\n');
  assert.is(lines[0], 'flowchart TB');
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = BOX.exec(line))) {
      assert.not.ok(boxes.has(m[1]!), `box ${m[1]} declared twice`);
      boxes.set(m[1]!, m[2]!);
    } else if ((m = EDGE.exec(line))) edges.push([m[1]!, m[2]!, m[3]!]);
    else if (SUBGRAPH.test(line)) depth += 1;
    else if (line.trim() === 'end') depth -= 1;
    else if (!/^\s*classDef \w+ [\w:#,]+$/.test(line)) assert.unreachable(`unexpected line: ${line}`);
  }
  assert.is(depth, 0, 'subgraphs closed');
  for (const [from, , to] of edges) assert.ok(boxes.has(from) && boxes.has(to), `edge ${from} → ${to} between declared boxes`);
  for (const id of boxes.keys()) assert.not.ok(/^(end|graph|subgraph|flowchart|style|class|classDef|click|linkStyle)$/i.test(id), `reserved id ${id}`);
  return { boxes, edges };
}

test('the service topology renders to this exact flowchart', () => {
  assert.fixture(renderMermaid(parseTopologyDescription(AVAILABILITY)), `flowchart TB
  subgraph sub_0["Sub-topology: 0"]
    n_requests_source(["requests-source"]):::source
    n_priority_source(["priority-source"]):::source
    n_merge_requests("merge-requests"):::processor
    n_status_sink(["status-sink"]):::sink
    s_results_table[("results-table")]:::store
  end
  t_platform_provisioning_internal_availability_check[/"platform.provisioning.internal.availability-check"/]:::topic
  t_platform_provisioning_internal_availability_check_priority[/"platform.provisioning.internal.availability-check-priority"/]:::topic
  t_platform_sources_status[/"platform.sources.status"/]:::topic
  n_requests_source --> n_merge_requests
  t_platform_provisioning_internal_availability_check --> n_requests_source
  n_priority_source --> n_merge_requests
  t_platform_provisioning_internal_availability_check_priority --> n_priority_source
  n_merge_requests --> n_status_sink
  n_merge_requests -.- s_results_table
  n_status_sink --> t_platform_sources_status
  classDef source fill:#e8f1fb,stroke:#2f6db3
  classDef sink fill:#e8f1fb,stroke:#2f6db3
  classDef processor fill:#ffffff,stroke:#555555
  classDef topic fill:#fff6dc,stroke:#b58900
  classDef store fill:#eaf6ea,stroke:#3b8a3b
`);
});

test('sub-topologies become subgraphs; a topic shared by two of them is one box linking both', () => {
  const text = renderMermaid(parseTopologyDescription(KAFKA_STYLE));
  const { boxes, edges } = structure(text);
  assert.is([...text.matchAll(/^\s*subgraph /gm)].length, 3);
  assert.match(text, /subgraph sub_2\["Sub-topology: 2 \(global store\)"\]/);
  assert.equal(edges.filter(([a, , b]) => a === 't_count_repartition' || b === 't_count_repartition'), [
    ['n_KSTREAM_SINK_0000000003', '-->', 't_count_repartition'],
    ['t_count_repartition', '-->', 'n_KSTREAM_SOURCE_0000000004'],
  ]);
  assert.is(boxes.get('s_count'), 'store');
  assert.is(boxes.get('t_pattern__audit____'), 'topic');
  assert.match(text, /\[\/"topic chosen by com\.example\.RegionTopics@6d06d69c"\/\]/);
  // stores sit inside the sub-topology that uses them
  const sub1 = text.slice(text.indexOf('subgraph sub_1'), text.indexOf('subgraph sub_2'));
  assert.match(sub1, /s_count\[\("count"\)\]/);
});

test('awkward names get distinct, safe ids and escaped labels', () => {
  const text = renderMermaid(parseTopologyDescription(AWKWARD));
  const { boxes } = structure(text);
  assert.equal([...boxes.keys()].sort(), [
    'n_a_b', 'n_a_b_2', 'n_end', 'n_node', 'n_odd', 's_subgraph', 't_a_b', 't_end', 't_graph', 't_pattern___x___y___z_d',
  ]);
  assert.match(text, /n_end\(\["end"\]\):::source/);
  assert.match(text, /t_end\[\/"end"\/\]:::topic/, 'a topic and a node of the same name stay apart');
  assert.match(text, /\[\/"pattern: #quot;x#quot;\|#lt;y#gt;&#35;z\\d"\/\]/);
  assert.is(mermaidLabel('#quot;'), '#35;quot;', 'entity-like text is not taken for an entity');
});

test.run();
