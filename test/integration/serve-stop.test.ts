// `availability-check serve --role all` on a real broker, as a process, stopped the way an
// orchestrator stops it: keep-alive clients send checks at about 100 requests/s, then SIGTERM.
// The process must exit by itself within its bound, no request sent after it said "stopping" may
// be told 202, every 202 must be on the request topic, and every accepted request must be
// either answered (its status message is on the status topic) or left uncommitted for the next
// worker. A start against a broker that does not answer must fail by itself, naming KAFKA_BROKERS
// and the address it tried.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Kafka from 'node-rdkafka';
import { SHUTDOWN_BOUND_MS } from '../../src/cli/serve-command.ts';
import { startEmulators, type Emulators } from '../emulators/index.ts';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { connectConsumer, createTopic, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { kafkaServiceEnv, CHECK_PATH } from '../support/service.ts';
import { committedOffsets } from './runtime/worker-process.ts';

const cli = path.resolve(import.meta.dirname, '../../src/cli.ts');
const PARTITIONS = 3;
const SOURCES = 3000;
const CLIENTS = 4;
const CLIENT_GAP_MS = 40; // 4 clients → about 100 requests/s

interface ServeProcess { child: ChildProcess; lines: Array<{ at: number; line: Record<string, unknown> }>; output: string[]; exited: Promise<{ code: number | null; at: number }> }

function serve(role: string, env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--role', role], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ServeProcess['lines'] = [];
  const output: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) {
      output.push(text);
      try { lines.push({ at: Date.now(), line: JSON.parse(text) as Record<string, unknown> }); } catch { /* not a log line */ }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, lines, output, exited };
}

async function waitForLine(proc: ServeProcess, msg: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = proc.lines.find(({ line }) => line.msg === msg);
    if (found) return found.line;
    if (proc.child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${msg}" line:\n${proc.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every record of `topic` (all partitions) read from the start by a group of its own. */
async function readAll(topic: string, idleMs = 3000): Promise<Kafka.Message[]> {
  const consumer = await connectConsumer(uniqueName('serve-stop-reader'), [topic]);
  const got: Kafka.Message[] = [];
  try {
    let idleSince = Date.now();
    while (Date.now() - idleSince < idleMs) {
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(500, (err, messages) => (err ? reject(err) : resolve(messages))));
      if (batch.length > 0) idleSince = Date.now();
      got.push(...batch);
    }
  } finally {
    await disconnect(consumer);
  }
  return got;
}

let emulators: Emulators;

test.before(async () => {
  emulators = await startEmulators({ buckets: false });
  for (let i = 0; i < SOURCES; i++) {
    emulators.sources.seed(String(50_000 + i), {
      authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: `arn:aws:iam::${100_000_000_000 + i}:role/serve-stop`, resource_id: String(90_000 + i) }],
    });
  }
});

test.after(async () => {
  await emulators?.stop();
});

test('SIGTERM under keep-alive load: exits within its bound, no 202 after "stopping", every 202 queued and answered or left uncommitted', async () => {
  const prefix = uniqueName('serve-stop');
  const env = kafkaServiceEnv(testBrokers(), prefix);
  for (const topic of [env.TOPIC_REQUESTS!, env.TOPIC_PRIORITY!]) await createTopic(topic, PARTITIONS);
  const proc = serve('all', {
    ...env,
    SOURCES_URL: emulators.sourcesUrl,
    AWS_ACCESS_KEY_ID: emulators.sts.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    AWS_ENDPOINT_URL_STS: emulators.sts.url,
    PERMISSION_CHECK: 'off', // one STS call per check: the emulators serve no IAM here
  });
  try {
    const running = await waitForLine(proc, 'ingress running', 90_000);
    await waitForLine(proc, 'metrics server listening', 30_000);
    const url = String(running.url);

    interface Sent { sentAt: number; status: number | string; requestId?: string; sourceId: string }
    const sent: Sent[] = [];
    let next = 0;
    let exited = false;
    void proc.exited.then(() => { exited = true; });
    const headers = { 'content-type': 'application/json', 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId };
    const client = async () => {
      while (!exited && next < SOURCES) {
        const sourceId = String(50_000 + next++);
        const sentAt = Date.now();
        try {
          const response = await fetch(`${url}${CHECK_PATH}`, { method: 'POST', headers, body: JSON.stringify({ source_id: sourceId }) });
          const body = await response.json() as { request_id?: string; errors?: unknown[] };
          if (response.status !== 202) assert.ok(Array.isArray(body.errors), `a ${response.status} in the JSON error shape`);
          sent.push({ sentAt, status: response.status, sourceId, ...(body.request_id ? { requestId: body.request_id } : {}) });
        } catch (err) {
          sent.push({ sentAt, status: String((err as Error).cause ?? err), sourceId });
        }
        await new Promise((resolve) => setTimeout(resolve, CLIENT_GAP_MS));
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, client));
    // under load: at least 50 accepted (or 15 s) before the signal
    const loadUntil = Date.now() + 15_000;
    while (sent.filter((s) => s.status === 202).length < 50 && Date.now() < loadUntil) await new Promise((resolve) => setTimeout(resolve, 100));

    const signalAt = Date.now();
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    await load;
    const stopping = proc.lines.find(({ line }) => line.msg === 'stopping');
    assert.ok(stopping, 'a "stopping" line');
    const stopMs = exit.at - signalAt;
    console.log(`  ${sent.length} requests, ${sent.filter((s) => s.status === 202).length} accepted; exited ${stopMs} ms after SIGTERM (bound ${SHUTDOWN_BOUND_MS} ms)`);
    assert.is(exit.code, 0, proc.output.slice(-20).join('\n'));
    assert.ok(stopMs < SHUTDOWN_BOUND_MS, `exited ${stopMs} ms after SIGTERM`);

    const late = sent.filter((s) => s.sentAt > stopping.at && s.status === 202);
    assert.is(late.length, 0, `202 for requests sent after "stopping": ${JSON.stringify(late.slice(0, 3))}`);
    const accepted = sent.filter((s) => s.status === 202);
    assert.ok(accepted.length > 0, 'load before the signal');
    assert.ok(sent.every((s) => s.status === 202 || s.status === 503 || typeof s.status === 'string'), `only 202, 503 or a closed connection: ${[...new Set(sent.map((s) => s.status))].join(', ')}`);

    // every 202 is on the request topic, once
    const records = await readAll(env.TOPIC_REQUESTS!);
    const byRequestId = new Map<string, Kafka.Message[]>();
    for (const record of records) {
      const id = (JSON.parse(record.value!.toString()) as { request_id: string }).request_id;
      byRequestId.set(id, [...(byRequestId.get(id) ?? []), record]);
    }
    for (const s of accepted) assert.is(byRequestId.get(s.requestId!)?.length, 1, `request ${s.requestId} (source ${s.sourceId}) queued once`);

    // below the committed offset: answered; at or above it: left for the next worker
    const committed = await committedOffsets(env.KAFKA_GROUP_ID!, env.TOPIC_REQUESTS!, PARTITIONS);
    const statuses = new Set((await readAll(env.TOPIC_STATUS!)).map((m) => m.key!.toString()));
    let answered = 0;
    for (const s of accepted) {
      const record = byRequestId.get(s.requestId!)![0]!;
      if (record.offset < (committed[record.partition] ?? -1)) {
        answered++;
        assert.ok(statuses.has(String(Number(s.sourceId) + 40_000)), `source ${s.sourceId} committed without its status message`);
      }
    }
    console.log(`  ${answered} answered and committed, ${accepted.length - answered} left uncommitted; committed offsets ${committed.join(', ')}`);
  } finally {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  }
});

test('a start against a broker that does not answer fails by itself, naming KAFKA_BROKERS and the address', async () => {
  const proc = serve('worker', { ...kafkaServiceEnv('127.0.0.1:1', uniqueName('serve-nobroker')), SOURCES_URL: emulators.sourcesUrl });
  try {
    const exit = await Promise.race([proc.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 90_000))]);
    assert.ok(exit, `still running after 90 s:\n${proc.output.join('\n')}`);
    assert.is(exit.code, 1);
    assert.match(proc.output.join('\n'), /KAFKA_BROKERS=127\.0\.0\.1:1/);
  } finally {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  }
});

test.run();
