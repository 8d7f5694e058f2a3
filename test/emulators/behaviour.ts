// What an emulator does for one account (role ARN, subscription, project, source id): the
// per-account modes every emulator supports, a global latency and an optional global token bucket
// (the provider's quota on our identity), and call counters for the tests.
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
}

export interface CallCounters {
  total: number;
  byVerdict: Record<Verdict, number>;
  byAccount: Map<string, number>;
}

interface AccountState { spec: ModeSpec; bucket: ServerBucket | undefined; requests: number }

export class Behaviour {
  readonly calls: CallCounters = { total: 0, byVerdict: { ok: 0, denied: 0, 'not-found': 0, throttled: 0, 'server-error': 0 }, byAccount: new Map() };
  private readonly modes = new Map<string, AccountState>();
  private defaultMode: ModeSpec;
  private latencyMs: number;
  private bucket: ServerBucket | undefined;

  constructor(options: BehaviourOptions = {}) {
    this.defaultMode = options.defaultMode ?? 'ok';
    this.latencyMs = options.latencyMs ?? 0;
    this.bucket = options.bucket ? new ServerBucket(options.bucket) : undefined;
  }

  setMode(account: string, spec: ModeSpec): void {
    this.modes.set(account, Behaviour.state(spec));
  }

  private static state(spec: ModeSpec): AccountState {
    return { spec, bucket: typeof spec === 'object' && 'throttled' in spec ? new ServerBucket(spec.throttled) : undefined, requests: 0 };
  }

  setDefaultMode(spec: ModeSpec): void { this.defaultMode = spec; }
  setLatency(ms: number): void { this.latencyMs = ms; }
  /** Replace (or remove, with undefined) the global bucket; a new bucket starts full. */
  setBucket(config: BucketConfig | undefined): void { this.bucket = config ? new ServerBucket(config) : undefined; }
  clearModes(): void { this.modes.clear(); }

  resetCalls(): void {
    this.calls.total = 0;
    for (const key of Object.keys(this.calls.byVerdict) as Verdict[]) this.calls.byVerdict[key] = 0;
    this.calls.byAccount.clear();
  }

  /** Decide the answer for one request: the quota is checked on arrival, like a real front door. */
  async decide(account: string): Promise<Verdict> {
    this.calls.total++;
    this.calls.byAccount.set(account, (this.calls.byAccount.get(account) ?? 0) + 1);
    const verdict = await this.verdictFor(account);
    this.calls.byVerdict[verdict]++;
    return verdict;
  }

  private async verdictFor(account: string): Promise<Verdict> {
    const withinQuota = this.bucket ? this.bucket.tryTake() : true;
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
