// Runs the whole service in-process against the emulators, for end-to-end tests: the real
// ingress over HTTP, the real SDKs, the real worker topology, on the embedded log or on Kafka.
import { loadConfig, type Config } from '../../src/config/index.ts';
import type { LogRecord } from '../../src/streams/embedded/index.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { startEmulators, type Emulators, type EmulatorsOptions } from '../emulators/index.ts';

export const CHECK_PATH = '/api/provisioning/v1/availability_status/sources';

export interface ServiceUnderTest {
  service: RunningService;
  emulators: Emulators;
  config: Config;
  url: string;
  post(sourceId: string, options?: { recheck?: boolean }): Promise<number>;
  stop(): Promise<void>;
}

/** Configuration that puts a service under test on `brokers` with topics and a group of its own. */
export function kafkaServiceEnv(brokers: string, prefix: string): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_GROUP_ID: `${prefix}-worker`,
    KAFKA_CLIENT_ID: prefix,
    TOPIC_REQUESTS: `${prefix}.requests`,
    TOPIC_PRIORITY: `${prefix}.priority`,
    TOPIC_STATUS: `${prefix}.status`,
    TOPIC_DEAD_LETTER: `${prefix}.dlq`,
  };
}

/** Starts emulators and the service (role all); `env` adds or overrides configuration variables. */
export async function startServiceUnderTest(env: Record<string, string | undefined>, emulatorOptions: EmulatorsOptions = {}): Promise<ServiceUnderTest> {
  const emulators = await startEmulators(emulatorOptions);
  try {
    const config = loadConfig({ PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SOURCES_URL: emulators.sourcesUrl, ...env }, { require: ['SOURCES_URL'] });
    const service = await startService({ config, role: 'all', logger: createLogger(config.logLevel, process.stderr), checkers: emulators.checkers });
    const url = service.ingress!.url;
    const headers = { 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId };
    return {
      service, emulators, config, url,
      async post(sourceId, options = {}) {
        const response = options.recheck
          ? await fetch(`${url}${CHECK_PATH}/${sourceId}/recheck`, { method: 'POST', headers })
          : await fetch(`${url}${CHECK_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source_id: sourceId }) });
        await response.arrayBuffer();
        return response.status;
      },
      async stop() {
        await service.stop();
        await emulators.stop();
      },
    };
  } catch (err) {
    await emulators.stop();
    throw err;
  }
}

/** Resolves with the first `count` records appended to `topic` of the embedded log (or rejects after timeoutMs). */
export function collectEmbedded(service: RunningService, topic: string, count: number, timeoutMs: number): Promise<LogRecord[]> {
  const got: LogRecord[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`only ${got.length} of ${count} records on ${topic} within ${timeoutMs} ms`)); }, timeoutMs);
    const off = service.embedded!.log.onAppend((record) => {
      if (record.topic !== topic) return;
      got.push(record);
      if (got.length === count) { clearTimeout(timer); off(); resolve(got); }
    });
  });
}
