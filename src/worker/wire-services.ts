// Production wiring of the topology's two calls: the Sources client and the cloud checkers
// behind one rate limiter, all from the validated configuration, within each request's budget
// (src/ports/request-spending.ts): every cloud call and every failed Sources request is counted in the
// request's ledger, and no layer's retry goes past it.
import { readFileSync } from 'node:fs';
import {
  createApplicationChecks, createCheckers, type ApplicationChecks, type ApplicationChecksOptions, type AvailableOutcome, type Checker, type CheckersOptions, type PermissionCall,
} from '../checks/index.ts';
import type { Config } from '../config/index.ts';
import type { ApplicationAuthentication, Provider } from '../domain/types.ts';
import { CheckLimiter, RATE_LIMITED_APIS, type ProviderLimits, type RateLimitedApi } from '../ratelimit/index.ts';
import { SourcesClient } from '../sources/index.ts';
import type { AvailabilityServices } from '../ports/availability-services.ts';
import { MAX_FAILED_SOURCES_REQUESTS, RequestBudgetSpentError, type RequestSpending } from '../ports/request-spending.ts';

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
      ...(aws.endpointUrlIam ? { iamEndpoint: aws.endpointUrlIam } : {}),
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
export function limitsFromConfig(config: Config): Record<RateLimitedApi, ProviderLimits> {
  const limits = {} as Record<RateLimitedApi, ProviderLimits>;
  for (const provider of RATE_LIMITED_APIS) {
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
  /** told the final outcome of every checked account (metrics) */
  onOutcome?: ApplicationChecksOptions['onOutcome'];
}

/**
 * @example const { services } = createAvailabilityServices(config, createCheckersOptions, { onAttempt: checkMetrics.observeAttempt });
 */
export function createAvailabilityServices(config: Config, checkers: CheckersOptions = checkersFromConfig(config), hooks: ServiceHooks = {}): WiredServices {
  if (!config.sources.url) throw new Error('SOURCES_URL is required to run the worker');
  const sourcesUrl = config.sources.url;
  const limiter = new CheckLimiter({ limits: limitsFromConfig(config) });
  const cloudCheckers = createCheckers(checkers);
  const maxCalls = config.checks.maxAttempts;

  /** The applications that still have cloud calls left in this request, checked with at most that many each. */
  async function checkWithin(applications: readonly ApplicationAuthentication[], signal: AbortSignal, spending: RequestSpending): Promise<ApplicationChecks> {
    // runCheck retries up to its maxAttempts: give each account what is left of its budget
    // (accounts with the same calls left share a runner, so one account is still checked once)
    const byCallsLeft = new Map<number, ApplicationAuthentication[]>();
    const spent: ApplicationAuthentication[] = [];
    for (const app of applications) {
      const left = maxCalls - spending.cloudCalls(app.provider, app.accountRef);
      if (left <= 0) spent.push(app);
      else byCallsLeft.set(left, [...(byCallsLeft.get(left) ?? []), app]);
    }
    const results = await Promise.all([...byCallsLeft].map(([left, group]) => createApplicationChecks({
      checkers: countedCheckers(cloudCheckers, spending, maxCalls),
      gate: limiter,
      tenant: spending.tenant,
      policy: { attemptTimeoutMs: config.checks.timeoutMs, maxAttempts: left },
      requiredPermissions: config.permissions.required,
      missingPermissionsStatus: config.permissions.missingStatus,
      ...(hooks.onAttempt ? { onAttempt: hooks.onAttempt } : {}),
      ...(hooks.onOutcome ? { onOutcome: hooks.onOutcome } : {}),
    })(group, signal)));
    const merged: ApplicationChecks = { statuses: results.flatMap((r) => r.statuses), transient: results.flatMap((r) => r.transient) };
    for (const app of spent) merged.transient.push({ applicationId: app.applicationId, provider: app.provider, reason: 'no cloud call left in this request', throttled: false });
    const exhausted = merged.transient.filter((t) => {
      const app = applications.find((a) => a.applicationId === t.applicationId)!;
      return spending.cloudCalls(app.provider, app.accountRef) >= maxCalls || spending.failedPermissionReads(app.provider, app.accountRef) >= maxCalls;
    });
    if (exhausted.length > 0) {
      const reasons = merged.transient.map((t) => `application ${t.applicationId} (${t.provider}): ${t.reason}`).join('; ');
      throw new RequestBudgetSpentError(`no definitive answer after ${maxCalls} cloud calls per account (${reasons})`);
    }
    return merged;
  }

  return {
    limiter,
    configuredProviders: (Object.keys(checkers) as Provider[]).filter((p) => checkers[p] !== undefined),
    services: {
      async findApplications(request, signal, spending) {
        if (spending.found !== undefined) return spending.found.applications;
        const failuresLeft = MAX_FAILED_SOURCES_REQUESTS - spending.failedSourcesRequests;
        if (failuresLeft <= 0) throw new RequestBudgetSpentError(`Sources failed ${MAX_FAILED_SOURCES_REQUESTS} times for this request`);
        const sources = new SourcesClient({ baseUrl: sourcesUrl, timeoutMs: config.sources.timeoutMs, maxAttempts: failuresLeft, fetch: countedFetch(spending) });
        let result;
        try {
          result = await sources.listApplicationAuthentications(request.sourceId, request.identity, signal);
        } catch (err) {
          if (spending.failedSourcesRequests >= MAX_FAILED_SOURCES_REQUESTS) {
            throw new RequestBudgetSpentError(`Sources failed ${MAX_FAILED_SOURCES_REQUESTS} times for this request: ${(err as Error).message}`, { cause: err });
          }
          throw err;
        }
        spending.found = { applications: result.kind === 'found' ? result.authentications : undefined };
        return spending.found.applications;
      },
      checkApplications: checkWithin,
    },
  };
}

/**
 * The checkers, each call counted in the request's ledger: a reachability call past `limit` is not
 * made, and neither is a permission read once `limit` of them failed for the account.
 */
function countedCheckers(checkers: Partial<Record<Provider, Checker>>, spending: RequestSpending, limit: number): Partial<Record<Provider, Checker>> {
  const counted: Partial<Record<Provider, Checker>> = {};
  for (const [provider, checker] of Object.entries(checkers) as [Provider, Checker | undefined][]) {
    if (checker === undefined) continue;
    const permissions = checker.permissions?.bind(checker);
    counted[provider] = {
      provider,
      ...(checker.api ? { api: checker.api } : {}),
      ...(permissions ? {
        permissions: (accountRef: string, reachable: AvailableOutcome, required: readonly string[], call: PermissionCall) =>
          permissions(accountRef, reachable, required, countedPermissionCall(call, spending, provider, accountRef, limit)),
      } : {}),
      check: (accountRef, signal) => (spending.takeCloudCall(provider, accountRef, limit)
        ? checker.check(accountRef, signal)
        : Promise.resolve({ kind: 'transient', reason: 'no cloud call left in this request', throttled: false })),
    };
  }
  return counted;
}

/** A permission check's call whose failed reads are counted; once `limit` failed, no read is sent. */
function countedPermissionCall(call: PermissionCall, spending: RequestSpending, provider: Provider, accountRef: string, limit: number): PermissionCall {
  return (api, action, send) => call(api, action, async (signal) => {
    if (spending.failedPermissionReads(provider, accountRef) >= limit) throw new RequestBudgetSpentError('no permission read left in this request');
    try {
      return await send(signal);
    } catch (err) {
      spending.countFailedPermissionRead(provider, accountRef);
      throw err;
    }
  });
}

/** fetch, with every failed Sources request (no reply, 429, 5xx) counted in the request's ledger. */
function countedFetch(spending: RequestSpending): typeof fetch {
  return async (input, init) => {
    if (spending.failedSourcesRequests >= MAX_FAILED_SOURCES_REQUESTS) throw new RequestBudgetSpentError(`Sources failed ${MAX_FAILED_SOURCES_REQUESTS} times for this request`);
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (err) {
      spending.failedSourcesRequests++;
      throw err;
    }
    if (response.status === 429 || response.status >= 500) spending.failedSourcesRequests++;
    return response;
  };
}
