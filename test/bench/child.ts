// One benchmark module, in its own process: imports it, runs it, sends the rows to run.ts over
// the IPC channel. Usage (by run.ts): node --import tsx --expose-gc child.ts <module path>
import { pathToFileURL } from 'node:url';
import type { BenchModule } from './types.ts';

const file = process.argv[2];
if (!file || !process.send) {
  console.error('child.ts is started by test/bench/run.ts');
  process.exit(2);
}
const module = (await import(pathToFileURL(file).href)) as BenchModule;
const rows = await module.run({ quick: process.env.BENCH_QUICK === '1' });
process.send({ rows }, () => process.disconnect());
