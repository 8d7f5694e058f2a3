// The results table run.ts prints.
import { describeTarget, type BenchResult } from './types.ts';

function figure(value: number | undefined): string {
  if (value === undefined) return '';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

export function formatResults(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'metric', 'value', 'baseline', 'ratio', 'target', 'ok?'];
  const rows = results.map((r) => [
    r.benchmark, r.metric, figure(r.value), figure(r.baseline), r.ratio === undefined ? '' : `${r.ratio.toFixed(3)}×`,
    describeTarget(r.target), r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const baselines = [...new Set(results.flatMap((r) => (r.baselineLabel ? [`${r.benchmark}: baseline = ${r.baselineLabel}`] : [])))];
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...baselines].join('\n');
}
