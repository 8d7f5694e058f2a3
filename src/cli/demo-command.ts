// `availability-check demo [--once]` (what `make run` starts): the whole flow in one process,
// no Kafka and no cloud account. Local emulators stand in for Sources, AWS STS, Azure (Entra ID +
// ARM over HTTPS) and GCP Resource Manager, seeded with a working and a broken source per cloud;
// the service runs on the embedded log exactly as configured from the environment otherwise.
// It posts one check per demo source through the real HTTP ingress, prints every status message
// that lands on the status topic, then keeps serving for your own requests (or exits with --once).
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../service/logger.ts';
import { startService } from '../service/start-service.ts';
import { untilSignal } from './serve-command.ts';
import type { LogRecord } from '../streams/embedded/index.ts';

const CHECK_PATH = '/api/provisioning/v1/availability_status/sources';

function formatStatus(record: LogRecord): string {
  const { 'x-rh-identity': _identity, ...shown } = record.headers; // the identity is a credential of sorts: not printed
  return `status message  key=${record.key}  ${record.value?.toString()}  headers=${JSON.stringify(shown)}`;
}

export async function demoCommand(args: string[]): Promise<number> {
  const once = args.includes('--once');
  // Emulators are development tooling; they live with the tests.
  const { startEmulators } = await import('../../test/emulators/index.ts');
  const emulators = await startEmulators({ latencyMs: Number(process.env.DEMO_CLOUD_LATENCY_MS ?? 50) });
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, SOURCES_URL: emulators.sourcesUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
    delete env.KAFKA_BROKERS; // the demo is the embedded flow
    const config = loadConfig(env, { require: ['SOURCES_URL'] });
    const service = await startService({ config, role: 'all', logger: createLogger(config.logLevel), checkers: emulators.checkers });
    const url = service.ingress!.url;
    const expected = emulators.demo.length;
    let seen = 0;
    let allSeen: () => void = () => {};
    const done = new Promise<void>((resolve) => { allSeen = resolve; });
    service.embedded!.log.onAppend((record) => {
      if (record.topic !== config.topics.status) return;
      console.log(formatStatus(record));
      if (++seen === expected) allSeen();
    });

    const identity = emulators.identity.xRhIdentity;
    console.log(`ingress listening on ${url} (embedded runtime; emulated Sources at ${emulators.sourcesUrl})`);
    for (const source of emulators.demo) console.log(`demo source ${source.sourceId}: ${source.provider} ${source.accountRef}, expected ${source.expected}${source.lacks ? ` (the account lacks ${source.lacks})` : ''}`);
    console.log(`posting one check per demo source through ${url}${CHECK_PATH} ...`);
    for (const source of emulators.demo) {
      const response = await fetch(`${url}${CHECK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-rh-identity': identity, 'x-rh-sources-org-id': emulators.identity.orgId },
        body: JSON.stringify({ source_id: source.sourceId }),
      });
      console.log(`POST source ${source.sourceId} -> ${response.status} ${await response.text()}`);
    }
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
    const outcome = await Promise.race([done.then(() => 'ok' as const), timeout]);
    if (outcome === 'timeout') console.error(`only ${seen} of ${expected} status messages arrived within 30 s`);

    if (!once) {
      console.log(`\nready. Ask again (answered from the TTL table, no cloud call):\n  curl -si -X POST ${url}${CHECK_PATH} -H 'content-type: application/json' -H 'x-rh-identity: ${identity}' -d '{"source_id":"1001"}'`);
      console.log(`Recheck now, skipping the table (priority topic):\n  curl -si -X POST ${url}${CHECK_PATH}/1002/recheck -H 'x-rh-identity: ${identity}'`);
      console.log(`The API: ${url}/api/provisioning/v1/availability_status/openapi.json. Status messages print here. Ctrl-C stops.`);
      console.log(`Live topology page: ${service.metrics.url}/topology  (metrics: ${service.metrics.url}/metrics)`);
      await untilSignal();
    }
    await service.stop();
    return outcome === 'ok' ? 0 : 1;
  } finally {
    await emulators.stop();
  }
}
