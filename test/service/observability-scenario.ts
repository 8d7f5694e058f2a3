// One end-to-end run for the observability tests (scrape, logs, live page): the whole service on
// the embedded log against the emulators, every log line captured, and traffic that reaches every
// branch of the topology: checks of each provider (the first AWS call for one role throttled,
// then retried), a cached replay, a user recheck, a source Sources does not know, refused
// ingress requests, and a record that cannot be decoded (dead-lettered).
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { startEmulators, type Emulators } from '../emulators/index.ts';
import { CHECK_PATH } from '../support/service.ts';

/** Secrets handed to the service through configuration (the emulators' own are in `emulators.checkers`). */
export const CONFIG_SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIACONFIGONLYKEY0001',
  AWS_SECRET_ACCESS_KEY: 'config-aws-secret-5d1c0e7a9b',
  AZURE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  AZURE_CLIENT_ID: '66666666-7777-8888-9999-000000000000',
  AZURE_CLIENT_SECRET: 'config-azure-secret-8f2b4c6d',
};

export const BAD_RECORD_REQUEST_ID = 'undecodable-record-1';

export interface Scenario {
  service: RunningService;
  emulators: Emulators;
  config: Config;
  /** every log line the service wrote, in order */
  lines: string[];
  /** the request ids the ingress answered 202 with, by source id posted (last one wins) */
  requestIds: Map<string, string[]>;
  /** status messages on the status topic */
  statusCount: number;
  stop(): Promise<void>;
}

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runScenario(): Promise<Scenario> {
  const emulators = await startEmulators({ latencyMs: 5 });
  // exactly one throttle reply, whatever the machine's pace (a quota bucket would make it timing)
  const throttledOnce = emulators.demo.find((source) => source.provider === 'aws' && source.expected === 'available')!;
  emulators.sts.setMode(throttledOnce.accountRef, { throttledFirst: 1 });
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  let service: RunningService | undefined;
  try {
    const config = loadConfig({
      PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'trace', SOURCES_URL: emulators.sourcesUrl,
      AWS_RATE_PER_SEC: '100', AWS_BURST: '100', ...CONFIG_SECRETS,
    }, { require: ['SOURCES_URL'] });
    service = await startService({ config, role: 'all', logger: createLogger(config.logLevel, sink), checkers: emulators.checkers });
    const running = service;
    const url = running.ingress!.url;
    const identityHeaders = { 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId };
    const requestIds = new Map<string, string[]>();
    let statusCount = 0;
    running.embedded!.log.onAppend((record) => { if (record.topic === config.topics.status) statusCount++; });
    const remember = async (sourceId: string, response: Response) => {
      const body = await response.json() as { request_id?: string };
      if (response.status !== 202 || !body.request_id) throw new Error(`POST for ${sourceId}: ${response.status} ${JSON.stringify(body)}`);
      requestIds.set(sourceId, [...(requestIds.get(sourceId) ?? []), body.request_id]);
    };
    const post = async (sourceId: string) => remember(sourceId, await fetch(`${url}${CHECK_PATH}`, {
      method: 'POST', headers: { ...identityHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ source_id: sourceId }),
    }));
    const recheck = async (sourceId: string) => remember(sourceId, await fetch(`${url}${CHECK_PATH}/${sourceId}/recheck`, { method: 'POST', headers: identityHeaders }));

    await Promise.all(emulators.demo.map((source) => post(source.sourceId)));
    await waitUntil('a status per demo source', () => statusCount === emulators.demo.length);
    await post(emulators.demo[0]!.sourceId); // answered from the results table
    await recheck(emulators.demo[2]!.sourceId); // priority topic, no cache
    await post('99999'); // Sources does not know it: no status can be addressed
    await waitUntil('the cached replay and the recheck', () => statusCount === emulators.demo.length + 2);
    await waitUntil('the unknown source dropped', () => running.embedded!.task.observer.counts('drop-unaddressable').in === 1);
    // refused at the ingress: no identity, and an identity that is not base64 JSON
    for (const headers of [{}, { 'x-rh-identity': 'not-an-identity' }] as Record<string, string>[]) {
      const response = await fetch(`${url}${CHECK_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"source_id":"1001"}' });
      await response.arrayBuffer();
      if (response.status < 400 || response.status >= 500) throw new Error(`expected a 4xx, got ${response.status}`);
    }
    // a producer other than our ingress writes a record the topology cannot decode
    running.embedded!.produce(config.topics.requests, {
      key: 'x', value: Buffer.from(JSON.stringify({ source_id: 'not-digits', request_id: BAD_RECORD_REQUEST_ID })), headers: { 'x-rh-identity': emulators.identity.xRhIdentity },
    });
    await waitUntil('the dead letter', () => running.embedded!.task.metrics.deadLettered === 1);
    await waitUntil('every record finished and committed', () => running.embedded!.task.unfinished() === 0 && running.embedded!.backlog() === 0);
    return {
      service: running, emulators, config, lines, requestIds,
      get statusCount() { return statusCount; },
      async stop() {
        await running.stop();
        await emulators.stop();
      },
    };
  } catch (error) {
    await service?.stop();
    await emulators.stop();
    throw error;
  }
}
