// The worker: Sources' check requests in, status messages to Sources out.
//
//   requests ─┐
//             ├─ merge ─ read-request ─ split: no-cache ──────────┐
//   priority ─┘ (served first)          cached ─ replay ──────────┼──────────────┐
//                                       uncached ─────────────────┴─ check-source ─ split: no-applications (count, drop)
//                                                                                   checked ─ remember ─ statuses ─┴─ status-sink
//
// The check step coalesces concurrent requests of one tenant for one source (one cloud call
// answers them all), bounds its concurrency, and retries a transient outcome with backoff within
// the request's budget (src/ports/request-spending.ts); what still has no definitive answer
// goes to the dead-letter topic, never to Sources as "unavailable".
//
// Tenancy: every request belongs to the tenant of its x-rh-identity (the contract's tenantKey).
// From read-request on, a record's key is (tenant, source id), so the check step's per-key order
// and coalescing never put two tenants' requests together; a table entry remembers its tenant
// and answers no other tenant's request, which goes to Sources like any miss (404: nothing sent).
import { jsonCodec, stringCodec, StreamsBuilder, type Headers, type KeyValue, type RetryPolicy, type Topology } from '../src/streams/dsl/index.ts';
import { createAvailabilityCodec } from '../src/domain/availability-codec.ts';
import {
  checkRequestFromValue, checkRequestValueSchema, encodeStatusMessage, headerMap, identityFromRecordHeaders, tenantKey, TENANT_KEY_PREFIXES, type CheckRequestValue, type Topics,
} from '../src/contract/index.ts';
import type { ApplicationStatus, CheckRequest, RequestIdentity, SourceCheckResult } from '../src/domain/types.ts';
import { RequestBudgetSpentError, RequestSpending, TransientCheckError, type AvailabilityServices } from '../src/ports/index.ts';

export const APPLICATION_ID = 'sources-availability-check';

/**
 * The cache split's branches, named as their nodes are: a results-table hit, a miss and a bypass
 * (no_cache). The worker's metrics count cache hits and misses on these nodes.
 */
export const CACHE_BRANCHES = { hit: 'cached', miss: 'uncached', bypass: 'no-cache' } as const;

export interface AvailabilityTopologyOptions {
  topics: Readonly<Topics>;
  services: AvailabilityServices;
  /** how long a definitive result answers repeated requests without a cloud call; 0: never */
  ttlMs: number;
  /** sources checked at once (each may wait on the cloud rate limiters) */
  concurrency: number;
  /** limit of one whole source check: lookup, rate-limit waits and cloud calls */
  sourceTimeoutMs: number;
  retry: Partial<RetryPolicy>;
  applicationId?: string;
}

/** A check request, the tenant it belongs to, and what the request has spent across attempts. */
interface TenantRequest extends CheckRequest {
  tenant: string;
  spending: RequestSpending;
}

/** A check-step result: the statuses to send, or none when Sources has no checkable application. */
interface SourceVerdict {
  sourceId: string;
  tenant: string;
  statuses: ApplicationStatus[];
}

/** The results table's codec: tenant keys' prefixes are written as an index. */
const resultsCodec = createAvailabilityCodec({ tenantPrefixes: TENANT_KEY_PREFIXES });

/**
 * A request's key inside the worker: its tenant and source id. Unambiguous, since a source id is
 * digits only: everything before the last '/' is the tenant.
 */
function tenantSourceKey(request: TenantRequest): string {
  return `${request.tenant}/${request.sourceId}`;
}

/** The status messages for one source, as (key, value, headers) records for the status sink. */
function statusRecords(identity: RequestIdentity, statuses: readonly ApplicationStatus[]): KeyValue<string>[] {
  return statuses.map((status) => {
    const message = encodeStatusMessage(identity, status);
    return { key: message.key.toString(), value: message.value.toString(), headers: headerMap(message.headers) };
  });
}

/** Throws (the record is dead-lettered) for a key other than its source id or headers without a usable identity. */
function readRequest(key: string | null, value: CheckRequestValue, headers: Headers): TenantRequest {
  const request = checkRequestFromValue(key, value, headers);
  const tenant = tenantKey(request.identity);
  return { ...request, tenant, spending: new RequestSpending(tenant) };
}

async function checkSource(services: AvailabilityServices, request: TenantRequest, signal: AbortSignal): Promise<SourceVerdict> {
  const { sourceId, tenant } = request;
  const applications = await services.findApplications(request, signal, request.spending);
  if (applications === undefined || applications.length === 0) return { sourceId, tenant, statuses: [] };
  const { statuses, transient } = await services.checkApplications(applications, signal, request.spending);
  // All or nothing: a partial answer in the table would replay as if it were the whole source.
  if (transient.length > 0) {
    throw new TransientCheckError(request.sourceId, transient.map((t) => `application ${t.applicationId} (${t.provider}): ${t.reason}`).join('; '));
  }
  return { sourceId, tenant, statuses };
}

export function buildAvailabilityTopology(options: AvailabilityTopologyOptions): Topology {
  const { topics, services } = options;
  const builder = new StreamsBuilder({ applicationId: options.applicationId ?? APPLICATION_ID });
  const deadLetters = builder.deadLetterSink('dead-letter-sink', topics.deadLetter);
  // With no cache the table still exists (the topology's shape does not depend on configuration)
  // but is never read, and its entries expire a millisecond after they are written.
  const cacheEnabled = options.ttlMs > 0;
  const results = builder.addStore<SourceCheckResult>('results', { ttlMs: Math.max(1, options.ttlMs), codec: resultsCodec });
  /** the request's tenant's result for its source; another tenant's entry is none of its business */
  const ownResult = (request: TenantRequest, table: { get(key: string): SourceCheckResult | undefined }) => {
    const cached = table.get(request.sourceId);
    return cached !== undefined && cached.tenant === request.tenant ? cached : undefined;
  };
  const requestCodec = jsonCodec<CheckRequestValue>(checkRequestValueSchema, 'check-request');

  const scheduled = builder.stream<CheckRequestValue>('requests-source', topics.requests, { codec: requestCodec, deadLetter: deadLetters });
  const priority = builder.stream<CheckRequestValue>('priority-source', topics.priority, { codec: requestCodec, priority: true, deadLetter: deadLetters });

  const routes = scheduled
    .merge('merge-requests', priority)
    .map('read-request', (record) => {
      const request = readRequest(record.key, record.value, record.headers);
      return { key: tenantSourceKey(request), value: request };
    })
    .split('route-by-cache')
    .branch(CACHE_BRANCHES.bypass, (request) => request.noCache)
    .branch(CACHE_BRANCHES.hit, (request, ctx) => cacheEnabled && ownResult(request, ctx.store(results)) !== undefined, { stores: [results] })
    .defaultBranch(CACHE_BRANCHES.miss);

  const replayed = routes[CACHE_BRANCHES.hit].flatMap('replay-cached-statuses', (record, ctx) => {
    const cached = ownResult(record.value, ctx.store(results));
    return cached ? statusRecords(record.value.identity, cached.statuses) : [];
  }, { stores: [results] });

  const verdicts = routes[CACHE_BRANCHES.bypass]
    .merge('to-check', routes[CACHE_BRANCHES.miss])
    .mapAsync('check-source', (request, ctx) => checkSource(services, request, ctx.signal), {
      concurrency: options.concurrency,
      timeoutMs: options.sourceTimeoutMs,
      // errors that say they are not transient (Sources refused our identity) go straight to the
      // dead letters, and so does a request that has spent its budget (request-spending.ts)
      retry: { retryable: (error) => !(error instanceof RequestBudgetSpentError) && (error as { transient?: boolean }).transient !== false, ...options.retry },
      coalesceByKey: true,
      deadLetter: deadLetters,
    })
    .split('route-by-applications')
    .branch('no-applications', (verdict) => verdict.statuses.length === 0)
    .defaultBranch('checked');

  // A source Sources does not know, or one without a provisioning application: no status can be
  // addressed (there is no application id). The filter ends the branch; metrics count it per node.
  verdicts['no-applications'].filter('drop-unaddressable', () => false);

  const checked = verdicts.checked
    .peek('remember-result', (verdict, ctx) => ctx.store(results).put(verdict.sourceId, { tenant: verdict.tenant, statuses: verdict.statuses }), { stores: [results] })
    .flatMap('to-status-messages', (record) => statusRecords(identityFromRecordHeaders(record.headers), record.value.statuses));

  replayed.merge('merge-statuses', checked).to('status-sink', topics.status, { codec: stringCodec });
  return builder.build();
}
