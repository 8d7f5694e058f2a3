// Production wiring of the topology's two calls: the Sources client and the cloud checkers
// behind one rate limiter, all from the validated configuration.
import { readFileSync } from 'node:fs';
import { createApplicationChecks, createCheckers, type ApplicationChecksOptions, type CheckersOptions } from '../checks/index.ts';
import type { Config } from '../config/index.ts';
import type { Provider } from '../domain/types.ts';
import { CheckLimiter, type ProviderLimits } from '../ratelimit/index.ts';
import { SourcesClient } from '../sources/index.ts';
import type { AvailabilityServices } from './services.ts';

/** Checker options for every provider whose credentials are configured; the others get none. */
export function checkersFromConfig(config: Config): CheckersOptions {
  const options: CheckersOptions = {};
  const { aws, azure, gcp } = config;
  if (aws.accessKeyId && aws.secretAccessKey) {
    options.aws = {
      region: aws.region,
      credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
      roleSessionName: aws.roleSessionName,
      ...(aws.endpointUrlSts ? { endpoint: aws.endpointUrlSts } : {}),
    };
  }
  if (azure.tenantId && azure.clientId && azure.clientSecret) {
    options.azure = {
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      clientSecret: azure.clientSecret,
      ...(azure.authorityHost ? { authorityHost: azure.authorityHost } : {}),
      ...(azure.armEndpoint ? { armEndpoint: azure.armEndpoint } : {}),
      ...(azure.caFile ? { ca: readFileSync(azure.caFile, 'utf8') } : {}),
    };
  }
  if (gcp.credentialsFile) {
    const key = JSON.parse(readFileSync(gcp.credentialsFile, 'utf8')) as { client_email?: string; private_key?: string; private_key_id?: string };
    if (!key.client_email || !key.private_key) throw new Error(`GCP_CREDENTIALS_FILE ${gcp.credentialsFile} is not a service account key (client_email, private_key)`);
    options.gcp = {
      credentials: { client_email: key.client_email, private_key: key.private_key, ...(key.private_key_id ? { private_key_id: key.private_key_id } : {}) },
      ...(gcp.projectEndpoint ? { apiEndpoint: gcp.projectEndpoint.host, port: gcp.projectEndpoint.port, protocol: gcp.projectEndpoint.protocol } : {}),
    };
  }
  return options;
}

/** The limiter's per-provider limits from configuration. */
export function limitsFromConfig(config: Config): Record<Provider, ProviderLimits> {
  const limits = {} as Record<Provider, ProviderLimits>;
  for (const provider of ['aws', 'azure', 'gcp'] as const) {
    limits[provider] = { quota: config.rateLimits[provider], perAccount: config.rateLimits.account, maxConcurrency: config.checks.concurrencyPerProvider };
  }
  return limits;
}

export interface WiredServices {
  services: AvailabilityServices;
  limiter: CheckLimiter;
  configuredProviders: Provider[];
}

export interface ServiceHooks {
  /** told about every cloud call (metrics); see createApplicationChecks */
  onAttempt?: ApplicationChecksOptions['onAttempt'];
}

/**
 * @example const { services } = createAvailabilityServices(config, createCheckersOptions, { onAttempt: checkMetrics.observeAttempt });
 */
export function createAvailabilityServices(config: Config, checkers: CheckersOptions = checkersFromConfig(config), hooks: ServiceHooks = {}): WiredServices {
  if (!config.sources.url) throw new Error('SOURCES_URL is required to run the worker');
  const sources = new SourcesClient({ baseUrl: config.sources.url, timeoutMs: config.sources.timeoutMs });
  const limiter = new CheckLimiter({ limits: limitsFromConfig(config) });
  const checkApplications = createApplicationChecks({
    checkers: createCheckers(checkers),
    gate: limiter,
    policy: { attemptTimeoutMs: config.checks.timeoutMs, maxAttempts: config.checks.maxAttempts },
    ...(hooks.onAttempt ? { onAttempt: hooks.onAttempt } : {}),
  });
  return {
    limiter,
    configuredProviders: (Object.keys(checkers) as Provider[]).filter((p) => checkers[p] !== undefined),
    services: {
      async findApplications(request, signal) {
        const result = await sources.listApplicationAuthentications(request.sourceId, request.identity, signal);
        return result.kind === 'found' ? result.authentications : undefined;
      },
      checkApplications: (applications, signal) => checkApplications(applications, signal),
    },
  };
}
