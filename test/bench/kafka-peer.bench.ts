// This project's Kafka runtime beside Kafka Streams on the same topology, same broker, same
// input, same outside clock. Contenders, each its own process, in an order rotated every round:
//   - Kafka Streams 4.1.1 (Java, test/bench/kstreams-peer/) running the fixture topology, with
//     processing.guarantee at_least_once and exactly_once_v2 (everything else at its defaults);
//   - this project's Kafka runtime running the fixture topology (peer/runtime-contender.ts);
//   - the bare node-rdkafka consume → produce pipe (bare-pipe.ts), which copies records as they are.
// Input: `size` check requests over 10k source ids, 3 partitions, each with the identity headers
// Sources sends; each run gets a fresh output topic and a changelog holding every id, so every
// request is answered from the TTL table (a run with a check fails). One observer (peer/observer.ts)
// times every run: first output record → final summed end offset of the output topic; CPU is the
// contender process's over that window. The outputs of the topology contenders are read back and
// must be the same multiset of (key, value, headers) as the one computed from the input.
// Restore: a changelog of BENCH_PEER_RESTORE ids restored by the runtime and by Kafka Streams
// (in-memory store); time from start to the first record processed.
//   BENCH_PEER_SIZES=300000,1000000 (0: none)  BENCH_PEER_ROUNDS=3  BENCH_PEER_RESTORE=1000000 (0: none)
//   BENCH_PEER_CONTENDERS=kstreams-alos,kstreams-eos,runtime,pipe  BENCH_PEER_JAVA_OPTS=-Xmx1g
//   BENCH_PEER_NODE_OPTIONS (Node flags of the Node contenders, e.g. --cpu-prof --cpu-prof-dir=DIR)
// (BENCH_QUICK=1: 50000 records, one round, restore 200000.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Kafka from 'node-rdkafka';
import { jsonValueCodec } from '../../src/streams/store/index.ts';
import { partitionForKey } from '../../src/streams/embedded/murmur2.ts';
import { changelogTopicConfig } from '../../src/streams/kafka/admin.ts';
import { expectedStatus } from '../integration/runtime/fixtures/check-topology.ts';
import { uniqueName } from '../support/kafka.ts';
import { benchBroker, createTopics, deleteTopics, produceBulk } from './kafka-support.ts';
import type { ContenderEnv } from './peer/contender-env.ts';
import { ensureKstreamsPeer } from './peer/kstreams-build.ts';
import { digestOf, EndOffsetObserver, processCpuMicros, recordFingerprint, topicDigest, type Observation } from './peer/observer.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'kafka-peer';

const PARTITIONS = 3;
const DISTINCT = 10_000;
const TTL_MS = 3_600_000;
const KSTREAMS = 'Kafka Streams 4.1.1 at_least_once';

type ContenderId = 'kstreams-alos' | 'kstreams-eos' | 'runtime' | 'pipe';

interface Contender {
  id: ContenderId;
  label: string;
  /** runs the fixture topology (else: the pipe, whose output is its input) */
  topology: boolean;
  guarantee: ContenderEnv['PEER_GUARANTEE'];
}

const CONTENDERS: readonly Contender[] = [
  { id: 'kstreams-alos', label: KSTREAMS, topology: true, guarantee: 'at_least_once' },
  { id: 'runtime', label: 'this project\'s Kafka runtime', topology: true, guarantee: 'at_least_once' },
  { id: 'kstreams-eos', label: 'Kafka Streams 4.1.1 exactly_once_v2', topology: true, guarantee: 'exactly_once_v2' },
  { id: 'pipe', label: 'bare node-rdkafka consume→produce pipe', topology: false, guarantee: 'at_least_once' },
];

// ---- the records ---------------------------------------------------------------------------

function sourceId(i: number): string {
  return String(1_000_000 + (i % DISTINCT));
}

/** The identity headers Sources sends with a check (a handful of tenants, fixed per source id). */
function identityHeaders(id: string): [string, string][] {
  const tenant = Number(id) % 7;
  const org = `00000${tenant}`;
  const account = `100${tenant}`;
  const identity = Buffer.from(JSON.stringify({ identity: { account_number: account, org_id: org, type: 'User', internal: { org_id: org } } })).toString('base64');
  return [['x-rh-identity', identity], ['x-rh-sources-org-id', org], ['x-rh-sources-account-number', account]];
}

const headerCache = new Map<string, { kafka: Kafka.MessageHeader[]; pairs: [string, string][] }>();
function headersOf(id: string): { kafka: Kafka.MessageHeader[]; pairs: [string, string][] } {
  let headers = headerCache.get(id);
  if (!headers) {
    const pairs = identityHeaders(id);
    headers = { pairs, kafka: pairs.map(([name, value]) => ({ [name]: Buffer.from(value) })) };
    headerCache.set(id, headers);
  }
  return headers;
}

/** The digest the topology's output must have: one cached answer per request, headers passed on. */
function expectedDigest(size: number): string {
  const counts = new Map<string, number>();
  for (let i = 0; i < Math.min(size, DISTINCT); i++) {
    const id = sourceId(i);
    const times = Math.floor(size / DISTINCT) + (i < size % DISTINCT ? 1 : 0);
    const value = JSON.stringify({ source_id: id, status: expectedStatus(id), via: 'cache' });
    counts.set(recordFingerprint(id, value, headersOf(id).pairs), times);
  }
  return digestOf(counts);
}

async function produceRequests(brokers: string, topic: string, size: number): Promise<void> {
  await produceBulk(brokers, size, (i) => {
    const id = sourceId(i);
    return { topic, key: id, value: Buffer.from(JSON.stringify({ source_id: id })), headers: headersOf(id).kafka };
  });
}

/** A changelog holding `entries` ids, each in the partition its requests arrive on. */
async function produceChangelog(brokers: string, topic: string, entries: number): Promise<void> {
  await createTopics(brokers, [topic], PARTITIONS, changelogTopicConfig(TTL_MS));
  await produceBulk(brokers, entries, (i) => {
    const id = String(1_000_000 + i);
    return { topic, key: id, partition: partitionForKey(id, PARTITIONS), value: Buffer.from(jsonValueCodec.encode(expectedStatus(id))) };
  });
}

// ---- one contender process -------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  pid: number;
  failure(): Error | undefined;
  firstRecordMs(): Promise<number>;
  /** SIGTERM, then the checks it reports at exit */
  stop(): Promise<number>;
}

function startContender(contender: Contender, env: Omit<ContenderEnv, 'PEER_GUARANTEE' | 'PEER_STATE_DIR'>, classpath: string): Running {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kstreams-peer-'));
  const full: ContenderEnv = { ...env, PEER_GUARANTEE: contender.guarantee, PEER_STATE_DIR: stateDir };
  const [command, args] = contender.id.startsWith('kstreams')
    ? ['java', [...(process.env.BENCH_PEER_JAVA_OPTS ?? '-Xmx1g').split(' ').filter(Boolean), '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, 'peer.PeerMain']]
    : [process.execPath, [...(process.env.BENCH_PEER_NODE_OPTIONS ?? '').split(' ').filter(Boolean), '--import', 'tsx', path.join(import.meta.dirname, 'peer', contender.id === 'runtime' ? 'runtime-contender.ts' : 'pipe-contender.ts')]];
  const child = spawn(command, args, { env: { ...process.env, ...full }, stdio: ['ignore', 'pipe', 'inherit'] });
  let failure: Error | undefined;
  let checks: number | undefined;
  let firstRecord: ((ms: number) => void) | undefined;
  const first = new Promise<number>((resolve) => { firstRecord = resolve; });
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const [tag, event, ...rest] = line.split(' ');
      if (tag !== 'peer') { process.stdout.write(`   [${contender.id}] ${line}\n`); continue; }
      if (event === 'first-record-ms') firstRecord!(Number(rest[0]));
      else if (event === 'checks') checks = Number(rest[0]);
      else if (event === 'failed') failure ??= new Error(`${contender.label}: ${rest.join(' ')}`);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    if (code !== 0) failure ??= new Error(`${contender.label} exited with ${signal ?? `code ${code}`}`);
    rmSync(stateDir, { recursive: true, force: true });
    resolve();
  }));
  return {
    child,
    pid: child.pid!,
    failure: () => failure,
    firstRecordMs: () => Promise.race([first, exited.then(() => { throw failure ?? new Error(`${contender.label} exited`); })]),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
      if (checks === undefined) throw failure ?? new Error(`${contender.label} did not report its checks`);
      return checks;
    },
  };
}

// ---- throughput --------------------------------------------------------------------------------

interface RunFigures extends Observation { digest?: string }

async function throughputRun(brokers: string, observer: EndOffsetObserver, contender: Contender, input: { requests: string; priority: string; size: number }, classpath: string): Promise<RunFigures> {
  const app = uniqueName(`peer-${contender.id}`);
  const status = `${app}.status`;
  const deadLetters = `${app}.dead-letters`;
  const changelog = `${app}-results-changelog`;
  await createTopics(brokers, [status, deadLetters], PARTITIONS);
  try {
    if (contender.topology) await produceChangelog(brokers, changelog, DISTINCT);
    const running = startContender(contender, {
      PEER_BROKERS: brokers, PEER_APPLICATION_ID: app, PEER_GROUP: app, PEER_REQUESTS: input.requests, PEER_PRIORITY: input.priority,
      PEER_STATUS: status, PEER_DEAD_LETTERS: deadLetters, PEER_TTL_MS: String(TTL_MS),
    }, classpath);
    const observation = await observer.observe({ topic: status, partitions: PARTITIONS, records: input.size, pid: running.pid, failed: running.failure })
      .catch(async (error: unknown) => { await running.stop().catch(() => undefined); throw error; });
    const checks = await running.stop();
    if (checks > 0) throw new Error(`${contender.label}: ${checks} requests missed the table: not the cached path`);
    if (!contender.topology) return observation;
    const output = await topicDigest(brokers, status, PARTITIONS);
    if (output.records !== input.size) throw new Error(`${contender.label}: ${output.records} output records for ${input.size} requests`);
    return { ...observation, digest: output.digest };
  } finally {
    await deleteTopics(brokers, [status, deadLetters, changelog]).catch(() => undefined);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  console.log(`\n   ${title}`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

async function throughput(brokers: string, observer: EndOffsetObserver, contenders: readonly Contender[], size: number, rounds: number, classpath: string): Promise<BenchRow[]> {
  const base = uniqueName('peer-input');
  const input = { requests: `${base}.requests`, priority: `${base}.priority`, size };
  await createTopics(brokers, [input.requests, input.priority], PARTITIONS);
  const figures = new Map<ContenderId, RunFigures[]>(contenders.map((c) => [c.id, []]));
  try {
    await produceRequests(brokers, input.requests, size);
    const expected = expectedDigest(size);
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const contender of order) {
        const run = await throughputRun(brokers, observer, contender, input, classpath);
        if (run.digest !== undefined && run.digest !== expected) throw new Error(`${contender.label}: output digest ${run.digest}, expected ${expected}`);
        console.log(`   ${size} records, round ${round + 1}: ${contender.label} ${Math.round(run.rate)}/s, ${run.cpuMicrosPerRecord.toFixed(1)} µs CPU/record${run.digest ? `, output digest ${run.digest}` : ''}`);
        figures.get(contender.id)!.push(run);
      }
    }
  } finally {
    await deleteTopics(brokers, [input.requests, input.priority]).catch(() => undefined);
  }
  const summary = contenders.map((c) => {
    const runs = figures.get(c.id)!;
    return {
      contender: c, rate: median(runs.map((r) => r.rate)), cpu: median(runs.map((r) => r.cpuMicrosPerRecord)),
      rss: Math.max(...runs.map((r) => r.peakRssBytes)), digest: runs[0]?.digest,
    };
  });
  const reference = summary.find((s) => s.contender.id === 'kstreams-alos')?.rate;
  printTable(`${size} records, ${PARTITIONS} partitions, ${DISTINCT} ids, median of ${rounds} (output digest: expected ${expectedDigest(size)})`,
    ['contender', 'records/s', `vs ${KSTREAMS}`, 'CPU µs/record', 'peak RSS MB', 'output digest'],
    summary.map((s) => [s.contender.label, Math.round(s.rate).toLocaleString('en-US'), reference ? `${(s.rate / reference).toFixed(2)}×` : '',
      s.cpu.toFixed(1), (s.rss / 2 ** 20).toFixed(0), s.digest ?? '(copies input)']));
  const benchmark = `kafka peer ${size / 1000}k`;
  const rows: BenchRow[] = [];
  for (const s of summary) {
    const target = s.contender.id === 'runtime' ? { on: 'ratio' as const, atLeast: 1.0 } : undefined;
    rows.push({ benchmark, metric: `records/s ${s.contender.id}`, value: s.rate, ...(reference ? { baseline: reference, baselineLabel: KSTREAMS } : {}), ...(target ? { target } : {}) });
    rows.push({ benchmark, metric: `CPU µs/record ${s.contender.id}`, value: s.cpu });
    rows.push({ benchmark, metric: `peak RSS MB ${s.contender.id}`, value: s.rss / 2 ** 20 });
  }
  const runtime = summary.find((s) => s.contender.id === 'runtime');
  const pipe = summary.find((s) => s.contender.id === 'pipe');
  if (runtime && pipe) {
    rows.push({ benchmark, metric: 'records/s runtime vs pipe', value: runtime.rate, baseline: pipe.rate, baselineLabel: 'bare node-rdkafka consume→produce pipe (peer run)', target: { on: 'ratio', atLeast: 0.8 } });
  }
  return rows;
}

// ---- restore ---------------------------------------------------------------------------------

async function restore(brokers: string, contenders: readonly Contender[], entries: number, rounds: number, classpath: string): Promise<BenchRow[]> {
  const app = uniqueName('peer-restore');
  const requests = `${app}.requests`;
  const priority = `${app}.priority`;
  const status = `${app}.status`;
  const deadLetters = `${app}.dead-letters`;
  const changelog = `${app}-results-changelog`;
  const restorers = contenders.filter((c) => c.id === 'runtime' || c.id === 'kstreams-alos');
  const times = new Map<ContenderId, { ms: number; cpuMs: number }[]>(restorers.map((c) => [c.id, []]));
  try {
    await createTopics(brokers, [requests, priority, status, deadLetters], PARTITIONS);
    await produceChangelog(brokers, changelog, entries);
    let nth = 0;
    for (let round = 0; round < rounds; round++) {
      for (const contender of round % 2 === 0 ? restorers : [...restorers].reverse()) {
        // one new request (an id the table holds) for this start to process once restored; both
        // read the same changelog (the Java peer's application id names it, as the topology's does)
        const id = String(1_000_000 + (nth++ % entries));
        await produceBulk(brokers, 1, () => ({ topic: requests, key: id, value: Buffer.from(JSON.stringify({ source_id: id })), headers: headersOf(id).kafka }));
        const running = startContender(contender, {
          PEER_BROKERS: brokers, PEER_APPLICATION_ID: app, PEER_GROUP: `${app}-runtime-${round}`, PEER_REQUESTS: requests, PEER_PRIORITY: priority,
          PEER_STATUS: status, PEER_DEAD_LETTERS: deadLetters, PEER_TTL_MS: String(TTL_MS),
        }, classpath);
        const ms = await running.firstRecordMs().catch(async (error: unknown) => { await running.stop().catch(() => undefined); throw error; });
        const cpuMs = processCpuMicros(running.pid) / 1000;
        const checks = await running.stop();
        if (checks > 0) throw new Error(`${contender.label}: the restored table did not answer (${checks} checks)`);
        console.log(`   restore of ${entries} entries, round ${round + 1}: ${contender.label} ${(ms / 1000).toFixed(2)} s to the first record (process CPU ${(cpuMs / 1000).toFixed(2)} s)`);
        times.get(contender.id)!.push({ ms, cpuMs });
      }
    }
  } finally {
    await deleteTopics(brokers, [requests, priority, status, deadLetters, changelog]).catch(() => undefined);
  }
  const summary = restorers.map((c) => ({ contender: c, ms: median(times.get(c.id)!.map((t) => t.ms)), cpuMs: median(times.get(c.id)!.map((t) => t.cpuMs)) }));
  const reference = summary.find((s) => s.contender.id === 'kstreams-alos')?.ms;
  printTable(`restore of a ${entries}-entry changelog, ${PARTITIONS} partitions: start → first record processed, median of ${rounds}`,
    ['contender', 'seconds', 'entries/s', `speed vs ${KSTREAMS}`, 'process CPU s (incl. start-up)'],
    summary.map((s) => [s.contender.label, (s.ms / 1000).toFixed(2), Math.round(entries / (s.ms / 1000)).toLocaleString('en-US'),
      reference ? `${(reference / s.ms).toFixed(2)}×` : '', (s.cpuMs / 1000).toFixed(2)]));
  return summary.map((s) => ({
    benchmark: `kafka peer restore ${entries / 1000}k`, metric: `entries/s to first record ${s.contender.id}`, value: entries / (s.ms / 1000),
    ...(reference ? { baseline: entries / (reference / 1000), baselineLabel: KSTREAMS } : {}),
  }));
}

// ---- the benchmark ------------------------------------------------------------------------------

function numbers(variable: string, fallback: number[]): number[] {
  const text = process.env[variable];
  if (!text) return fallback;
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`${variable} must be whole numbers separated by commas, got ${text}`);
  return values;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sizes = numbers('BENCH_PEER_SIZES', options.quick ? [50_000] : [300_000, 1_000_000]);
  const [rounds = 3] = numbers('BENCH_PEER_ROUNDS', [options.quick ? 1 : 3]);
  const [restoreEntries = 0] = numbers('BENCH_PEER_RESTORE', [options.quick ? 200_000 : 1_000_000]);
  const wanted = process.env.BENCH_PEER_CONTENDERS?.split(',').map((c) => c.trim());
  const contenders = CONTENDERS.filter((c) => !wanted || wanted.includes(c.id));
  if (contenders.length === 0) throw new Error(`BENCH_PEER_CONTENDERS names none of ${CONTENDERS.map((c) => c.id).join(', ')}`);
  const classpath = contenders.some((c) => c.id.startsWith('kstreams')) ? await ensureKstreamsPeer() : '';
  const broker = await benchBroker();
  const observer = await EndOffsetObserver.connect(broker.brokers);
  try {
    const rows: BenchRow[] = [];
    for (const size of sizes.filter((s) => s > 0)) rows.push(...await throughput(broker.brokers, observer, contenders, size, rounds, classpath));
    if (restoreEntries > 0) rows.push(...await restore(broker.brokers, contenders, restoreEntries, rounds, classpath));
    return rows;
  } finally {
    await observer.close();
    await broker.stop();
  }
}
