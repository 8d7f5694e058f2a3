// Example topology (used by tests): the availability-check shape in miniature. Scheduled and
// priority requests are merged; a first-match split sends no-cache requests to the check, replays
// results found in the TTL table, and checks the rest; the check is a mapAsync step (bounded
// concurrency, per-key order, coalescing, timeout, retry, dead letters) whose results are written
// to the table before they go out.
import { jsonCodec, StreamsBuilder, type RetryPolicy, type Topology } from '../../src/streams/dsl/index.ts';
import { jsonValueCodec } from '../../src/streams/store/index.ts';

export interface CheckRequest {
  source_id: string;
  no_cache?: boolean;
}

export interface CheckResult {
  source_id: string;
  status: 'available' | 'unavailable';
  /** 'check' when the step ran, 'cache' when replayed from the table */
  via: 'check' | 'cache';
}

export const REQUESTS_TOPIC = 'example.check.requests';
export const PRIORITY_TOPIC = 'example.check.priority';
export const STATUS_TOPIC = 'example.check.status';
export const CHECK_DLQ_TOPIC = 'example.check.dead-letters';

/** The topic names and application id; tests give each run fresh ones. */
export interface CachedCheckTopics {
  applicationId: string;
  requests: string;
  priority: string;
  status: string;
  deadLetters: string;
}

export const DEFAULT_CACHED_CHECK_TOPICS: Readonly<CachedCheckTopics> = Object.freeze({
  applicationId: 'cached-check', requests: REQUESTS_TOPIC, priority: PRIORITY_TOPIC, status: STATUS_TOPIC, deadLetters: CHECK_DLQ_TOPIC,
});

export interface CachedCheckOptions {
  /** the slow call; must honour the signal */
  check: (sourceId: string, signal: AbortSignal) => Promise<CheckResult['status']>;
  ttlMs?: number;
  concurrency?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  topics?: Readonly<CachedCheckTopics>;
}

const requestSchema = {
  type: 'object',
  required: ['source_id'],
  properties: { source_id: { type: 'string', pattern: '^[0-9]+$' }, no_cache: { type: 'boolean' } },
};

export function buildTopology(options: CachedCheckOptions): Topology {
  const topics = options.topics ?? DEFAULT_CACHED_CHECK_TOPICS;
  const builder = new StreamsBuilder({ applicationId: topics.applicationId });
  const dlq = builder.deadLetterSink('check-dead-letters', topics.deadLetters);
  const results = builder.addStore<unknown>('results', { ttlMs: options.ttlMs ?? 60_000, codec: jsonValueCodec });
  const codec = jsonCodec<CheckRequest>(requestSchema, 'check-request');
  const requests = builder.stream<CheckRequest>('requests-source', topics.requests, { codec, deadLetter: dlq });
  const priority = builder.stream<CheckRequest>('priority-source', topics.priority, { codec, priority: true, deadLetter: dlq });
  const routes = requests
    .merge('merge-requests', priority)
    .split('split-cache')
    .branch('no-cache', (request) => request.no_cache === true)
    .branch('cached', (request, ctx) => ctx.store(results).get(request.source_id) !== undefined, { stores: [results] })
    .defaultBranch('uncached');
  const replayed = routes.cached.mapValues('replay-cached', (request, ctx): CheckResult => {
    const status = ctx.store(results).get(request.source_id) as CheckResult['status'];
    return { source_id: request.source_id, status, via: 'cache' };
  }, { stores: [results] });
  const checked = routes['no-cache']
    .merge('to-check', routes.uncached)
    .mapAsync('check', async (request, ctx): Promise<CheckResult> => ({
      source_id: request.source_id, status: await options.check(request.source_id, ctx.signal), via: 'check',
    }), {
      concurrency: options.concurrency ?? 4,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry ?? { maxAttempts: 3, initialBackoffMs: 100 },
      coalesceByKey: true,
      deadLetter: dlq,
    })
    .peek('remember-result', (result, ctx) => ctx.store(results).put(result.source_id, result.status), { stores: [results] });
  replayed.merge('merge-results', checked).to('status-sink', topics.status, { codec: jsonCodec<CheckResult>() });
  return builder.build();
}
