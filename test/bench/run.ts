// `make bench`: runs every test/bench/*.bench.ts module, each in its own Node process, prints one
// table (benchmark, metric, value, baseline, ratio, target, ok?) and writes the same figures to
// test-artifacts/bench/results.json. Benchmarks are never part of the test suite.
//   BENCH_QUICK=1      smallest sizes only
//   BENCH_STRICT=1     exit 1 when a target is missed (a crashed benchmark always exits 1)
//   arguments          run only modules whose name contains one of them: run.ts ttl
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatResults } from './format.ts';
import { evaluate, type BenchModule, type BenchResult, type BenchRow } from './types.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const benchDir = import.meta.dirname;
const quick = process.env.BENCH_QUICK === '1';
const filters = process.argv.slice(2);

function runModule(file: string, nodeOptions: string[]): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', ...nodeOptions, path.join(benchDir, 'child.ts'), file], {
      cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let rows: BenchRow[] | undefined;
    child.on('message', (message: { rows: BenchRow[] }) => { rows = message.rows; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (rows && code === 0) resolve(rows);
      else reject(new Error(`exited with ${signal ?? `code ${code}`}${rows ? '' : ' before reporting'}`));
    });
  });
}

const files = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)));
const results: BenchResult[] = [];
const failures: { module: string; error: string }[] = [];
const started = new Date();

for (const file of files) {
  const full = path.join(benchDir, file);
  // the module is imported here only for its name and flags; run() happens in the child
  const module = (await import(pathToFileURL(full).href)) as BenchModule;
  console.log(`\n== ${module.name} (${file})`);
  const t0 = performance.now();
  try {
    const rows = await runModule(full, module.nodeOptions ?? []);
    results.push(...rows.map(evaluate));
    console.log(`   done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    failures.push({ module: module.name, error: (err as Error).message });
    console.log(`   FAILED: ${(err as Error).message}`);
  }
}

console.log(`\n${formatResults(results)}`);
const report = {
  startedAt: started.toISOString(),
  durationMs: Date.now() - started.getTime(),
  quick,
  machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemoryBytes: os.totalmem() },
  results,
  failures,
};
const outDir = path.join(root, 'test-artifacts', 'bench');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${path.relative(root, path.join(outDir, 'results.json'))}`);

const missed = results.filter((r) => r.ok === false);
if (missed.length > 0) console.log(`missed targets: ${missed.map((r) => `${r.benchmark} ${r.metric}`).join('; ')}`);
if (failures.length > 0) console.log(`failed benchmarks: ${failures.map((f) => f.module).join(', ')}`);
process.exitCode = failures.length > 0 || (process.env.BENCH_STRICT === '1' && missed.length > 0) ? 1 : 0;
