// The worker: Sources' check requests in, status messages to Sources out.
//
//   requests ─┐
//             ├─ merge ─ read-request ─ split: no-cache ──────────┐
//   priority ─┘ (served first)          cached ─ replay ──────────┼──────────────┐
//                                       uncached ─────────────────┴─ check-source ─ split: no-applications (count, drop)
//                                                                                   checked ─ remember ─ statuses ─┴─ status-sink
//
// The check step coalesces concurrent requests for one source (one cloud call answers them all),
// bounds its concurrency, and retries a transient outcome with backoff; what still has no
// definitive answer goes to the dead-letter topic, never to Sources as "unavailable".
import { jsonCodec, stringCodec, StreamsBuilder, type Headers, type KeyValue, type RetryPolicy, type Topology } from '../src/dsl/index.ts';
import { availabilityCodec } from '../src/dsl/store/index.ts';
import { checkRequestValueSchema, encodeStatusMessage, headerMap, identityFromRecordHeaders, type CheckRequestValue, type Topics } from '../src/contract/index.ts';
import type { ApplicationStatus, CheckRequest, RequestIdentity, SourceCheckResult } from '../src/domain/types.ts';
import { TransientCheckError, type AvailabilityServices } from '../src/worker/services.ts';

export const APPLICATION_ID = 'sources-availability-check';

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

/** A check-step result: the statuses to send, or none when Sources has no checkable application. */
interface SourceVerdict {
  sourceId: string;
  statuses: ApplicationStatus[];
}

/** The status messages for one source, as (key, value, headers) records for the status sink. */
function statusRecords(identity: RequestIdentity, statuses: readonly ApplicationStatus[]): KeyValue<string>[] {
  return statuses.map((status) => {
    const message = encodeStatusMessage(identity, status);
    return { key: message.key.toString(), value: message.value.toString(), headers: headerMap(message.headers) };
  });
}

function readRequest(value: CheckRequestValue, headers: Headers): CheckRequest {
  const identity = identityFromRecordHeaders(headers);
  if (identity.orgId === '' && identity.accountNumber === '') {
    throw new Error('check request headers carry neither an org id nor an account number');
  }
  return { sourceId: value.source_id, identity, noCache: value.no_cache ?? false, requestId: value.request_id ?? '' };
}

async function checkSource(services: AvailabilityServices, request: CheckRequest, signal: AbortSignal): Promise<SourceVerdict> {
  const applications = await services.findApplications(request, signal);
  if (applications === undefined || applications.length === 0) return { sourceId: request.sourceId, statuses: [] };
  const { statuses, transient } = await services.checkApplications(applications, signal);
  // All or nothing: a partial answer in the table would replay as if it were the whole source.
  if (transient.length > 0) {
    throw new TransientCheckError(request.sourceId, transient.map((t) => `application ${t.applicationId} (${t.provider}): ${t.reason}`).join('; '));
  }
  return { sourceId: request.sourceId, statuses };
}

export function buildAvailabilityTopology(options: AvailabilityTopologyOptions): Topology {
  const { topics, services } = options;
  const builder = new StreamsBuilder({ applicationId: options.applicationId ?? APPLICATION_ID });
  const deadLetters = builder.deadLetterSink('dead-letter-sink', topics.deadLetter);
  // With no cache the table still exists (the topology's shape does not depend on configuration)
  // but is never read, and its entries expire a millisecond after they are written.
  const cacheEnabled = options.ttlMs > 0;
  const results = builder.addStore<SourceCheckResult>('results', { ttlMs: Math.max(1, options.ttlMs), codec: availabilityCodec });
  const requestCodec = jsonCodec<CheckRequestValue>(checkRequestValueSchema, 'check-request');

  const scheduled = builder.stream<CheckRequestValue>('requests-source', topics.requests, { codec: requestCodec, deadLetter: deadLetters });
  const priority = builder.stream<CheckRequestValue>('priority-source', topics.priority, { codec: requestCodec, priority: true, deadLetter: deadLetters });

  const routes = scheduled
    .merge('merge-requests', priority)
    .map('read-request', (record) => ({ key: record.value.source_id, value: readRequest(record.value, record.headers) }))
    .split('route-by-cache')
    .branch('no-cache', (request) => request.noCache)
    .branch('cached', (request, ctx) => cacheEnabled && ctx.store(results).get(request.sourceId) !== undefined, { stores: [results] })
    .defaultBranch('uncached');

  const replayed = routes.cached.flatMap('replay-cached-statuses', (record, ctx) => {
    const cached = ctx.store(results).get(record.value.sourceId);
    return cached ? statusRecords(record.value.identity, cached.statuses) : [];
  }, { stores: [results] });

  const verdicts = routes['no-cache']
    .merge('to-check', routes.uncached)
    .mapAsync('check-source', (request, ctx) => checkSource(services, request, ctx.signal), {
      concurrency: options.concurrency,
      timeoutMs: options.sourceTimeoutMs,
      // errors that say they are not transient (Sources refused our identity) go straight to the dead letters
      retry: { retryable: (error) => (error as { transient?: boolean }).transient !== false, ...options.retry },
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
    .peek('remember-result', (verdict, ctx) => ctx.store(results).put(verdict.sourceId, { statuses: verdict.statuses }), { stores: [results] })
    .flatMap('to-status-messages', (record) => statusRecords(identityFromRecordHeaders(record.headers), record.value.statuses));

  replayed.merge('merge-statuses', checked).to('status-sink', topics.status, { codec: stringCodec });
  return builder.build();
}
