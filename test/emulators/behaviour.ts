// What an emulator does for one account (role ARN, subscription, project, source id): the
// per-account modes every emulator supports, a global latency and an optional global token bucket
// (the provider's quota on our identity), and call counters for the tests.
import { performance } from 'node:perf_hooks';
import { ServerBucket, type BucketConfig } from './server-bucket.ts';
import { sleep } from './http-server.ts';

/** What the emulator answers after latency and buckets are applied. */
export type Verdict = 'ok' | 'denied' | 'not-found' | 'throttled' | 'server-error';

export type ModeSpec =
  | 'ok' | 'denied' | 'not-found' | 'server-error'
  /** always the provider's throttle reply */
  | 'throttled'
  /** a real token bucket on this account: ok while tokens last, then throttle replies */
  | { throttled: BucketConfig }
  /** the throttle reply to this account's first `throttledFirst` requests, then `then` (default ok) */
  | { throttledFirst: number; then?: Verdict }
  /** answer `then` (default ok) after a delay */
  | { slow: number; then?: Verdict };

export interface BehaviourOptions {
  /** the mode of accounts without one; default 'ok' */
  defaultMode?: ModeSpec;
  /** latency added to every request, in ms */
  latencyMs?: number;
  /** the provider's quota on our identity: requests beyond it get the throttle reply */
  bucket?: BucketConfig;
  /**
   * where `bucket` applies: 'identity' (default), one bucket for every request; 'quota-key', a
   * bucket per quota key (decide's second argument), for a quota the cloud keeps per customer
   * account, like IAM's
   */
  bucketPer?: 'identity' | 'quota-key';
}

export interface CallCounters {
  total: number;
  byVerdict: Record<Verdict, number>;
  byAccount: Map<string, number>;
}

interface AccountState { spec: ModeSpec; bucket: ServerBucket | undefined; requests: number }

export class Behaviour {
  readonly calls: CallCounters = { total: 0, byVerdict: { ok: 0, denied: 0, 'not-found': 0, throttled: 0, 'server-error': 0 }, byAccount: new Map() };
  /** arrival times (performance.now) of the first and the last request since the last resetCalls */
  readonly arrivals = { first: Number.NaN, last: Number.NaN };
  private readonly modes = new Map<string, AccountState>();
  private defaultMode: ModeSpec;
  private latencyMs: number;
  private bucket: ServerBucket | undefined;
  private bucketConfig: BucketConfig | undefined;
  private readonly bucketPer: 'identity' | 'quota-key';
  private readonly keyedBuckets = new Map<string, ServerBucket>();

  constructor(options: BehaviourOptions = {}) {
    this.defaultMode = options.defaultMode ?? 'ok';
    this.latencyMs = options.latencyMs ?? 0;
    this.bucketPer = options.bucketPer ?? 'identity';
    this.bucketConfig = options.bucket;
    this.bucket = options.bucket && this.bucketPer === 'identity' ? new ServerBucket(options.bucket) : undefined;
  }

  setMode(account: string, spec: ModeSpec): void {
    this.modes.set(account, Behaviour.state(spec));
  }

  private static state(spec: ModeSpec): AccountState {
    return { spec, bucket: typeof spec === 'object' && 'throttled' in spec ? new ServerBucket(spec.throttled) : undefined, requests: 0 };
  }

  setDefaultMode(spec: ModeSpec): void { this.defaultMode = spec; }
  setLatency(ms: number): void { this.latencyMs = ms; }
  /** Replace (or remove, with undefined) the quota bucket(s); a new bucket starts full. */
  setBucket(config: BucketConfig | undefined): void {
    this.bucketConfig = config;
    this.keyedBuckets.clear();
    this.bucket = config && this.bucketPer === 'identity' ? new ServerBucket(config) : undefined;
  }
  clearModes(): void { this.modes.clear(); }

  resetCalls(): void {
    this.calls.total = 0;
    for (const key of Object.keys(this.calls.byVerdict) as Verdict[]) this.calls.byVerdict[key] = 0;
    this.calls.byAccount.clear();
    this.arrivals.first = Number.NaN;
    this.arrivals.last = Number.NaN;
  }

  /**
   * Decide the answer for one request: the quota is checked on arrival, like a real front door.
   * `quotaKey` names the customer account whose quota the request spends (bucketPer 'quota-key').
   */
  async decide(account: string, quotaKey = account): Promise<Verdict> {
    this.calls.total++;
    const now = performance.now();
    if (Number.isNaN(this.arrivals.first)) this.arrivals.first = now;
    this.arrivals.last = now;
    this.calls.byAccount.set(account, (this.calls.byAccount.get(account) ?? 0) + 1);
    const verdict = await this.verdictFor(account, quotaKey);
    this.calls.byVerdict[verdict]++;
    return verdict;
  }

  private quotaBucket(quotaKey: string): ServerBucket | undefined {
    if (this.bucketPer === 'identity' || !this.bucketConfig) return this.bucket;
    let bucket = this.keyedBuckets.get(quotaKey);
    if (!bucket) this.keyedBuckets.set(quotaKey, bucket = new ServerBucket(this.bucketConfig));
    return bucket;
  }

  private async verdictFor(account: string, quotaKey: string): Promise<Verdict> {
    const quota = this.quotaBucket(quotaKey);
    const withinQuota = quota ? quota.tryTake() : true;
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (!withinQuota) return 'throttled';
    let state = this.modes.get(account);
    if (!state) {
      state = Behaviour.state(this.defaultMode);
      // A default bucketed mode still gives every account a bucket of its own, kept across requests.
      if (state.bucket) this.modes.set(account, state);
    }
    const { spec, bucket } = state;
    state.requests++;
    if (typeof spec === 'string') return spec;
    if ('throttled' in spec) return bucket?.tryTake() ? 'ok' : 'throttled';
    if ('throttledFirst' in spec) return state.requests <= spec.throttledFirst ? 'throttled' : spec.then ?? 'ok';
    await sleep(spec.slow);
    return spec.then ?? 'ok';
  }
}
