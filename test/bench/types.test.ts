// The harness's verdicts (not a benchmark): ratios and target checks, and the printed table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeTarget, evaluate } from './types.ts';
import { formatResults } from './format.ts';

test('ratio is value / baseline; a target applies to the value or to the ratio', () => {
  assert.equal(evaluate({ benchmark: 'b', metric: 'm', value: 30, baseline: 200, target: { on: 'value', atMost: 32 } }), {
    benchmark: 'b', metric: 'm', value: 30, baseline: 200, target: { on: 'value', atMost: 32 }, ratio: 0.15, ok: true,
  });
  assert.is(evaluate({ benchmark: 'b', metric: 'm', value: 33, target: { on: 'value', atMost: 32 } }).ok, false);
  assert.is(evaluate({ benchmark: 'b', metric: 'm', value: 79, baseline: 100, target: { on: 'ratio', atLeast: 0.8 } }).ok, false);
  assert.is(evaluate({ benchmark: 'b', metric: 'm', value: 80, baseline: 100, target: { on: 'ratio', atLeast: 0.8 } }).ok, true);
  assert.is(evaluate({ benchmark: 'b', metric: 'm', value: 80, target: { on: 'ratio', atLeast: 0.8 } }).ok, false, 'no baseline, no ratio: not met');
  assert.is(evaluate({ benchmark: 'b', metric: 'm', value: 1 }).ok, undefined, 'no target, no verdict');
  assert.is(describeTarget({ on: 'ratio', atLeast: 0.5, atMost: 2 }), 'ratio ≥ 0.5 and ≤ 2');
});

test('the table has one line per row, aligned, with the verdict', () => {
  const text = formatResults([
    evaluate({ benchmark: 'ttl-table 1M', metric: 'retained bytes/entry', value: 25.5, baseline: 213, baselineLabel: 'Map', target: { on: 'value', atMost: 32 } }),
    evaluate({ benchmark: 'ttl-table 1M', metric: 'lookups/s', value: 1_500_000, baseline: 1_250_000, target: { on: 'value', atLeast: 2_000_000 } }),
  ]);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^benchmark\s+metric\s+value\s+baseline\s+ratio\s+target\s+ok\?$/);
  assert.match(lines[2]!, /retained bytes\/entry\s+25\.5\s+213\s+0\.120×\s+value ≤ 32\s+ok$/);
  assert.match(lines[3]!, /lookups\/s\s+1,500,000\s+1,250,000\s+1\.200×\s+value ≥ 2,000,000\s+MISSED$/);
  assert.ok(text.includes('ttl-table 1M: baseline = Map'));
});

test.run();
