// The one test command (`make test` → `npm test`): typecheck, lint, every *.test.ts file (unit
// first, then test/integration/ against a real Kafka broker), then one summary line that CI reads:
//   N passed, N failed
// Each test file runs in its own Node process (uvu), so a crash fails that file only.
// Usage: npm test [-- [--no-static] [--unit|--integration] [PATTERN...]]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { acquireTestBroker, type TestBroker } from './support/broker.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const patterns = args.filter((a) => !a.startsWith('--'));
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);

interface Tally { passed: number; failed: number; failures: string[] }
const tally: Tally = { passed: 0, failed: 0, failures: [] };

function findTests(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Outcome { code: number | null; output: string }
function runProcess(cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => { output += chunk; process.stdout.write(chunk); };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => { output += `\n[runner] killed after ${timeoutMs} ms\n`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) console.log(`[runner] ${path.relative(root, cmdArgs.at(-1) ?? cmd)} ended by ${signal}`);
      resolve({ code, output });
    });
  });
}

function record(name: string, passed: number, failed: number): void {
  tally.passed += passed;
  tally.failed += failed;
  if (failed > 0) tally.failures.push(name);
}

async function check(name: string, cmd: string, cmdArgs: string[]): Promise<void> {
  console.log(`\n== ${name}`);
  const { code } = await runProcess(cmd, cmdArgs, process.env, 600_000);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  console.log(code === 0 ? `ok ${name}` : `FAILED ${name} (exit ${code})`);
}

// uvu prints "Total: N / Passed: N / Skipped: N" per file; a file that dies early prints no summary.
async function testFile(file: string, env: NodeJS.ProcessEnv): Promise<void> {
  const rel = path.relative(root, file);
  console.log(`\n== ${rel}`);
  const { code, output } = await runProcess(process.execPath, ['--import', 'tsx', file], env, fileTimeoutMs);
  const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? NaN);
  // uvu's Total counts the tests that ran; skipped ones are reported apart and are not failures.
  const total = count('Total'); const passed = count('Passed');
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    record(rel, 0, 1);
    console.log(`FAILED ${rel}: no uvu summary (exit ${code})`);
    return;
  }
  const failed = total - passed + (code !== 0 && total === passed ? 1 : 0);
  if (code !== 0 && total === passed) console.log(`FAILED ${rel}: every test passed but the process exited with ${code ?? 'a signal'}`);
  record(rel, passed, failed);
}

/** The Node major version package.json's engines asks for, or null when this Node satisfies it. */
function missingNode(): number | null {
  const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const required = Number(/\d+/.exec(engines)?.[0]);
  return Number(process.versions.node.split('.')[0]) >= required ? null : required;
}

async function main(): Promise<void> {
  // An older Node would also load node_modules built for another one (native node-rdkafka).
  const required = missingNode();
  if (required !== null) {
    console.log(`Node ${process.version} runs these tests; the project needs Node ${required}: run \`make test\` (it installs Node ${required} into .cache/node when the machine's is older), or \`make install\` once and then \`npm test\``);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  const all = findTests(path.join(root, 'test'));
  const selected = all.filter((f) => patterns.length === 0 || patterns.some((p) => f.includes(p)));
  const isIntegration = (f: string) => f.includes(`${path.sep}integration${path.sep}`);
  const unit = flags.has('--integration') ? [] : selected.filter((f) => !isIntegration(f));
  const integration = flags.has('--unit') ? [] : selected.filter(isIntegration);
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

  if (!flags.has('--no-static') && patterns.length === 0) {
    await check('typecheck (tsc --noEmit, strict)', 'npx', ['--no-install', 'tsc', '--noEmit', '-p', 'tsconfig.json']);
    await check('lint (eslint)', 'npx', ['--no-install', 'eslint', '--config', 'test/eslint.config.js', '--max-warnings', '0', '.']);
  }
  for (const file of unit) await testFile(file, env);

  if (integration.length > 0) {
    let broker: TestBroker | undefined;
    try {
      broker = await acquireTestBroker();
      console.log(`\n== kafka for integration tests: ${broker.description}`);
      const brokerEnv = { ...env, KAFKA_BROKERS: broker.brokers, KAFKA_BROKER_DESCRIPTION: broker.description };
      for (const file of integration) await testFile(file, brokerEnv);
    } catch (err) {
      console.log(`FAILED: no Kafka broker for integration tests: ${(err as Error).message}`);
      record('kafka broker', 0, 1);
    } finally {
      await broker?.stop().catch((err: Error) => console.log(`warning: stopping the broker: ${err.message}`));
    }
  }

  if (tally.failures.length > 0) console.log(`\nfailed: ${tally.failures.join(', ')}`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exitCode = tally.failed === 0 ? 0 : 1;
}

await main();
