// The operators' diagrams: generated from the definitions, committed next to them, never stale.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TOPOLOGIES } from '../../topology/index.ts';
import { renderTopology, writeDiagrams } from '../../src/cli/topology-command.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

test('committed diagrams match what the topology definitions generate (run `make diagrams`)', async () => {
  assert.equal(await writeDiagrams(true), []);
});

test('every topology renders in every format', async () => {
  for (const entry of TOPOLOGIES) {
    assert.match(await renderTopology(entry, 'describe'), /^Topologies:\n {3}Sub-topology: 0\n/);
    assert.match(await renderTopology(entry, 'mermaid'), /^flowchart/);
    assert.match(await renderTopology(entry, 'dot'), /^digraph/);
    assert.match(await renderTopology(entry, 'svg'), /<svg[\s\S]*<\/svg>\s*$/);
  }
});

test('the CLI prints a description and refuses an unknown topology by name', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'topology', 'describe', 'order-routing'], { cwd: root });
  assert.match(stdout, /Source: orders-source \(topics: \[example\.orders\]\)/);
  const failed = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'topology', 'dot', 'no-such-topology'], { cwd: root }).then(() => null, (e: { code: number; stderr: string }) => e);
  assert.ok(failed, 'an unknown topology must fail');
  assert.is(failed.code, 1);
  assert.match(failed.stderr, /unknown topology "no-such-topology"; known: .*order-routing/);
});

test.run();
