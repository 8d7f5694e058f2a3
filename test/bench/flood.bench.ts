// The flood test's timing (test/service/flood.test.ts keeps the invariants): 1000 sources
// requested at once against STS's 20/s burst-100 quota. Targets: no throttle reply (our limiter
// stays inside the quota) and a drain at ≥ 95% of the quota's pace. The baseline is the fastest
// a bucket allows: (sources − burst) / rate seconds.
// Run alone: node --import tsx --expose-gc test/bench/run.ts flood
import { FLOOD_RATE_PER_SEC, FLOOD_SOURCES, runFlood } from '../support/flood.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'flood';

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sources = options.quick ? 400 : FLOOD_SOURCES;
  const { calls, seconds } = await runFlood(sources);
  const fastest = (sources - 100) / FLOOD_RATE_PER_SEC;
  console.log(`   ${sources} checks answered ${seconds.toFixed(1)} s after the first POST (a bucket allows ${fastest.toFixed(1)} s at best); ${calls.byVerdict.throttled} throttle replies`);
  const benchmark = `flood ${sources} sources, aws ${FLOOD_RATE_PER_SEC}/s burst 100, 20 ms`;
  return [
    { benchmark, metric: 'throttle replies', value: calls.byVerdict.throttled, target: { on: 'value', atMost: 0 } },
    {
      benchmark, metric: 'seconds to answer all', value: seconds, baseline: fastest,
      baselineLabel: '(sources − burst) / rate, the fastest the quota allows', target: { on: 'ratio', atMost: 1 / 0.95 },
    },
  ];
}
