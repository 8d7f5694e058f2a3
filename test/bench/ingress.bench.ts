// Ingress throughput against a bare node:http server answering 202, same process, same load
// generator, same run (README: Benchmarks targets: the ingress reaches ≥ 0.5× the bare server's requests/s).
//
// The servers run in the benchmark's process; the load generator runs in a child process (this
// same file, started as a script), so on a two-core machine each side has a core and the figure
// is the server's, not the generator's. The generator speaks HTTP/1.1 over raw keep-alive sockets
// with a minimal response parser: Node's own http client costs about as much per request as the
// server under test, and would cap both figures at the generator's rate.
//
// Rounds alternate bare / ingress and the best round of each counts (a shared machine disturbs
// some rounds; alternating exposes both servers to the same conditions).
//
// Run alone: node --import tsx --expose-gc test/bench/run.ts ingress
import { fork, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { KafkaRecord } from '../../src/contract/record.ts';
import { listenHttp, type ListeningServer } from '../../src/http/listen.ts';
import { CHECK_PATH, createIngress, type IngressLimits } from '../../src/ingress/index.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'ingress';

const CONNECTIONS = 32;
const ROUNDS = 3;
const DISTINCT_REQUESTS = 1024; // source ids cycled through, so the ingress does not see one body forever
// Sources' scheduled identity (README: The Sources contract §1), exactly as it sends it
const IDENTITY = Buffer.from(JSON.stringify({
  identity: { account_number: '0001', org_id: '000001', internal: { org_id: '' }, type: 'System' }, entitlements: null,
})).toString('base64');
// the per-org limiter stays in the path, with a budget this run cannot exhaust
const LIMITS: IngressLimits = { bodyLimitBytes: 4096, orgRatePerSec: 1e9, orgBurst: 1e9, publishTimeoutMs: 3000 };

// ---- load generator (child process) -------------------------------------------------------

interface LoadCommand {
  port: number;
  connections: number;
  durationMs: number;
  requests: string[];
}

export interface LoadResult {
  /** responses received before the deadline */
  completed: number;
  seconds: number;
  byStatus: Record<string, number>;
  errors: string[];
  /** CPU time the generator used, as a share of one core over the round: near 1 means it was the limit */
  generatorCpuShare: number;
}

/**
 * One HTTP/1.1 response at the start of `text`: its status and total length, or undefined when
 * it has not fully arrived. Handles Content-Length and chunked bodies (what node:http sends).
 */
export function parseResponse(text: string): { status: number; length: number } | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const status = Number(text.slice(9, 12));
  if (!text.startsWith('HTTP/1.1 ') || !Number.isInteger(status)) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(text.slice(0, 40))}`);
  const head = text.slice(0, headEnd).toLowerCase();
  const bodyStart = headEnd + 4;
  const contentLength = /\r\ncontent-length: *(\d+)/.exec(head);
  if (contentLength) {
    const length = bodyStart + Number(contentLength[1]);
    return text.length >= length ? { status, length } : undefined;
  }
  if (!/\r\ntransfer-encoding: *chunked/.test(head)) throw new Error('a response with neither content-length nor chunked encoding');
  let at = bodyStart;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!Number.isInteger(size)) throw new Error('bad chunk size');
    at = lineEnd + 2 + size + 2;
    if (text.length < at) return undefined;
    if (size === 0) return { status, length: at };
  }
}

/** Keeps `connections` keep-alive connections busy, one request in flight on each, until the deadline. */
export async function generateLoad(command: LoadCommand): Promise<LoadResult> {
  const result: LoadResult = { completed: 0, seconds: 0, byStatus: {}, errors: [], generatorCpuShare: 0 };
  const cpuBefore = process.cpuUsage();
  const requests = command.requests.map((r) => Buffer.from(r, 'latin1'));
  const started = performance.now();
  const deadline = started + command.durationMs;
  let next = 0;
  const connection = (): Promise<void> => new Promise((resolve) => {
    const socket = net.connect(command.port, '127.0.0.1');
    socket.setNoDelay(true);
    let pending = '';
    const send = () => { socket.write(requests[next++ % requests.length]!); };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        let response;
        try {
          response = parseResponse(pending);
        } catch (err) {
          result.errors.push((err as Error).message);
          socket.destroy();
          return;
        }
        if (!response) return;
        pending = pending.slice(response.length);
        result.completed++;
        result.byStatus[response.status] = (result.byStatus[response.status] ?? 0) + 1;
        if (performance.now() >= deadline) { socket.end(); return; }
        send();
      }
    });
    socket.on('error', (err) => { result.errors.push(err.message); });
    socket.on('close', () => resolve());
  });
  await Promise.all(Array.from({ length: command.connections }, connection));
  result.seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  result.generatorCpuShare = (cpu.user + cpu.system) / 1e6 / result.seconds;
  return result;
}

// Started as a script: the load generator, driven by the benchmark over IPC.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('message', (command: LoadCommand | 'exit') => {
    if (command === 'exit') { process.disconnect(); return; }
    generateLoad(command).then((result) => process.send!(result), (err: Error) => process.send!({ completed: 0, seconds: 0, byStatus: {}, errors: [err.message], generatorCpuShare: 0 }));
  });
}

// ---- servers and rounds (benchmark process) -----------------------------------------------

function checkRequest(sourceId: string): string {
  const body = JSON.stringify({ source_id: sourceId });
  return `POST ${CHECK_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json;charset=utf-8\r\n`
    + `x-rh-identity: ${IDENTITY}\r\nx-rh-sources-org-id: 000001\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The reference: reads the body, answers 202 with a small JSON body. Nothing else. */
function bareListener(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"accepted":true}');
  });
}

class LoadGenerator {
  private readonly child: ChildProcess;

  constructor() {
    // --import tsx is inherited from this process's execArgv
    this.child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  run(command: LoadCommand): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (result: LoadResult) => { this.child.off('exit', onExit); resolve(result); });
      this.child.send(command);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) { resolve(); return; }
      this.child.once('exit', () => resolve());
      this.child.send('exit');
    });
  }
}

interface Target {
  label: string;
  server: ListeningServer;
  /** records published since the last reset (the ingress only) */
  published?: () => number;
  reset?: () => void;
}

interface RoundResult {
  rate: number;
  /** server process CPU time per request, µs: what the machine's load does not change much */
  cpuMicros: number;
  generatorCpuShare: number;
}

/** One round against one server, after checking that every answer was a 202. */
async function round(generator: LoadGenerator, target: Target, durationMs: number, requests: string[]): Promise<RoundResult> {
  target.reset?.();
  const cpuBefore = process.cpuUsage();
  const result = await generator.run({ port: target.server.port, connections: CONNECTIONS, durationMs, requests });
  const cpu = process.cpuUsage(cpuBefore);
  const statuses = Object.entries(result.byStatus);
  if (result.errors.length > 0) throw new Error(`${target.label}: ${result.errors.length} connection errors, first: ${result.errors[0]}`);
  if (statuses.length !== 1 || statuses[0]![0] !== '202') throw new Error(`${target.label}: answers other than 202: ${JSON.stringify(result.byStatus)}`);
  if (target.published && target.published() !== result.completed) {
    throw new Error(`${target.label}: ${result.completed} requests accepted but ${target.published()} records published`);
  }
  return { rate: result.completed / result.seconds, cpuMicros: (cpu.user + cpu.system) / result.completed, generatorCpuShare: result.generatorCpuShare };
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const durationMs = options.quick ? 2_000 : 5_000;
  const requests = Array.from({ length: DISTINCT_REQUESTS }, (_, i) => checkRequest(String(463_243 + i)));
  let records: KafkaRecord[] = [];
  const { listener } = createIngress({
    limits: LIMITS,
    publish: async (_topic, record) => { records.push(record); },
  });
  const bare: Target = { label: 'bare node:http', server: await listenHttp(bareListener, { host: '127.0.0.1', port: 0 }) };
  const ingress: Target = {
    label: 'ingress', server: await listenHttp(listener, { host: '127.0.0.1', port: 0 }),
    published: () => records.length, reset: () => { records = []; },
  };
  const generator = new LoadGenerator();
  try {
    // warm-up: JIT both servers and the generator
    await round(generator, bare, 1_000, requests);
    await round(generator, ingress, 1_000, requests);
    let bareRate = 0;
    let ingressRate = 0;
    let bareCpu = Infinity;
    let ingressCpu = Infinity;
    const describe = (r: RoundResult) => `${Math.round(r.rate).toLocaleString('en-US')} req/s (server ${r.cpuMicros.toFixed(1)} µs CPU/req, generator ${Math.round(r.generatorCpuShare * 100)}% of a core)`;
    for (let i = 0; i < ROUNDS; i++) {
      const b = await round(generator, bare, durationMs, requests);
      const g = await round(generator, ingress, durationMs, requests);
      console.log(`   round ${i + 1}: bare ${describe(b)}; ingress ${describe(g)}`);
      bareRate = Math.max(bareRate, b.rate);
      ingressRate = Math.max(ingressRate, g.rate);
      bareCpu = Math.min(bareCpu, b.cpuMicros);
      ingressCpu = Math.min(ingressCpu, g.cpuMicros);
    }
    const benchmark = `ingress ${CONNECTIONS} connections`;
    const baselineLabel = 'bare node:http server answering 202';
    return [
      { benchmark, metric: 'requests/s (202)', value: ingressRate, baseline: bareRate, baselineLabel, target: { on: 'ratio', atLeast: 0.5 } },
      // the inverse view, steadier on a busy machine: the bare server's CPU cost over the ingress's
      { benchmark, metric: 'server CPU µs/request', value: ingressCpu, baseline: bareCpu, baselineLabel },
    ];
  } finally {
    await generator.stop();
    await bare.server.close();
    await ingress.server.close();
  }
}
