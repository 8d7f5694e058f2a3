// The benchmark contract. A benchmark is a module named `<name>.bench.ts` in test/bench/ that
// exports `name` and `run(options)`; run.ts finds it, runs it in its own Node process (so heap
// figures are not mixed between benchmarks), and prints and saves the rows it returns.

export interface BenchOptions {
  /** BENCH_QUICK=1: the smallest size only, for a fast look */
  quick: boolean;
}

/** What a figure should reach: on the value itself, or on value / baseline. */
export interface BenchTarget {
  on: 'value' | 'ratio';
  atLeast?: number;
  atMost?: number;
}

export interface BenchRow {
  /** e.g. "ttl-table 10M" */
  benchmark: string;
  /** e.g. "retained bytes/entry" */
  metric: string;
  value: number;
  /** the same figure for the baseline, measured in the same run */
  baseline?: number;
  /** what the baseline is, e.g. "Map<string, SourceCheckResult>" */
  baselineLabel?: string;
  target?: BenchTarget;
}

/** A row as reported: ratio and verdict computed by the harness, not by each benchmark. */
export interface BenchResult extends BenchRow {
  ratio: number | undefined;
  ok: boolean | undefined;
}

export interface BenchModule {
  name: string;
  /** extra Node flags for this benchmark's process, e.g. a larger heap */
  nodeOptions?: string[];
  run(options: BenchOptions): Promise<BenchRow[]>;
}

export function evaluate(row: BenchRow): BenchResult {
  const ratio = row.baseline === undefined || row.baseline === 0 ? undefined : row.value / row.baseline;
  let ok: boolean | undefined;
  if (row.target) {
    const figure = row.target.on === 'value' ? row.value : ratio;
    ok = figure !== undefined
      && (row.target.atLeast === undefined || figure >= row.target.atLeast)
      && (row.target.atMost === undefined || figure <= row.target.atMost);
  }
  return { ...row, ratio, ok };
}

export function describeTarget(target: BenchTarget | undefined): string {
  if (!target) return '';
  const bounds = [target.atLeast === undefined ? '' : `≥ ${target.atLeast.toLocaleString('en-US')}`, target.atMost === undefined ? '' : `≤ ${target.atMost.toLocaleString('en-US')}`].filter(Boolean);
  return `${target.on} ${bounds.join(' and ')}`;
}
