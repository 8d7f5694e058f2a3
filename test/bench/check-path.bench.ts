// The check path against a cloud that enforces its quota (README: Benchmarks targets: with 100 ms emulated latency
// and a 20/s, burst-100 bucket enforced by the emulator, sustain ≥ 95% of the bucket rate with
// zero throttle replies).
//
// The whole service runs embedded (real ingress over HTTP, real worker topology, real AWS SDK)
// against the emulators. Every source is posted at once, so after the first 100 checks spend the
// burst, the buckets (the emulator's and our own limiter's) set the pace. The sustained rate is
// the least-squares slope of "statuses sent" over time, from status number 2 × burst to the last:
// by then the burst and the tokens refilled while it was spent are gone, and a slope does not
// hinge on the timing of two single records (statuses leave in small bunches). The bound
// (checks − burst) / T over the whole run is printed beside it: a bucket admits at most
// burst + rate × T calls in T seconds.
//
// The baseline is the first implementation's pace (README: The Sources contract §5: one check, then a fixed 1 s
// sleep, per provider), measured here with the same checker against the same emulator.
//
// The permission check is on (the default): each check is AssumeRole on STS, then the role's
// policies read on IAM (4 reads for the emulator's default role: one attached policy, no inline
// one), IAM on a bucket of its own, sized here so that STS's stays the one that paces. The cloud
// calls per checked source and the throttle replies of both are reported.
//
// Run alone: node --import tsx --expose-gc test/bench/run.ts check-path
import { setTimeout as sleep } from 'node:timers/promises';
import { createCheckers } from '../../src/checks/index.ts';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/service.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'check-path';

const RATE_PER_SEC = 20;
const BURST = 100;
const LATENCY_MS = 100;
// IAM's quota in this run: well above the 4 reads × 20 checks/s the STS bucket allows, so STS paces
const IAM_RATE_PER_SEC = 200;
const IAM_BURST = 200;
const FIRST_SOURCE_ID = 50_000;
const FIRST_APPLICATION_ID = 70_000;
const POSTS_IN_PARALLEL = 10;

const roleArn = (i: number) => `arn:aws:iam::123456789012:role/bench-${i}`;

/** Posts every source, a few at a time; every answer must be a 202. */
async function postAll(sut: ServiceUnderTest, count: number): Promise<void> {
  let next = 0;
  const poster = async () => {
    while (next < count) {
      const i = next++;
      const status = await sut.post(String(FIRST_SOURCE_ID + i));
      if (status !== 202) throw new Error(`POST of source ${FIRST_SOURCE_ID + i} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: POSTS_IN_PARALLEL }, poster));
}

/** Resolves with the arrival time (performance.now) of each of the first `count` status records. */
function statusTimes(sut: ServiceUnderTest, count: number, timeoutMs: number): Promise<number[]> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`only ${times.length} of ${count} statuses within ${timeoutMs} ms`)); }, timeoutMs);
    const off = sut.service.embedded!.log.onAppend((record) => {
      if (record.topic !== sut.config.topics.status) return;
      times.push(performance.now());
      if (times.length === count) { clearTimeout(timer); off(); resolve(times); }
    });
  });
}

/** Least-squares slope of the record count over arrival times (ms): records per second. */
export function slopePerSecond(times: readonly number[]): number {
  const n = times.length;
  if (n < 2) throw new Error('a slope needs at least two points');
  const meanT = times.reduce((a, t) => a + t, 0) / n;
  const meanK = (n - 1) / 2;
  let covariance = 0;
  let variance = 0;
  times.forEach((t, k) => {
    covariance += (t - meanT) * (k - meanK);
    variance += (t - meanT) ** 2;
  });
  if (variance === 0) throw new Error('every record arrived at the same instant');
  return (covariance / variance) * 1000;
}

/** The first implementation's loop: check, sleep 1 s, again; checks per second over `checks` iterations. */
async function firstImplementationPace(sut: ServiceUnderTest, checks: number): Promise<number> {
  const aws = createCheckers(sut.emulators.checkers).aws!;
  const started = performance.now();
  for (let i = 0; i < checks; i++) {
    const outcome = await aws.check(roleArn(i), AbortSignal.timeout(10_000));
    if (outcome.kind !== 'available') throw new Error(`baseline check ${i}: ${JSON.stringify(outcome)}`);
    await sleep(1_000);
  }
  return checks / ((performance.now() - started) / 1000);
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const afterBurst = options.quick ? 300 : 600; // checks the bucket must pace, beyond the burst
  const sources = BURST + afterBurst;
  const sut = await startServiceUnderTest(
    // our limiter is configured with the cloud's published quota; the ingress must not be the limit
    {
      AWS_RATE_PER_SEC: String(RATE_PER_SEC), AWS_BURST: String(BURST), INGRESS_ORG_BURST: String(sources * 2),
      IAM_RATE_PER_SEC: String(IAM_RATE_PER_SEC), IAM_BURST: String(IAM_BURST), PERMISSION_CHECK: 'aws',
      // a check is now 5 calls in sequence (~500 ms at 100 ms each): 20 checks/s need 10 in flight
      // on average (Little's law), and the default 10 leaves no room for the spread, so 30
      CHECK_CONCURRENCY: '30',
    },
    { seedDemo: false, latencyMs: LATENCY_MS, buckets: { aws: { ratePerSec: RATE_PER_SEC, burst: BURST }, iam: { ratePerSec: IAM_RATE_PER_SEC, burst: IAM_BURST } } },
  );
  try {
    for (let i = 0; i < sources; i++) {
      sut.emulators.sources.seed(String(FIRST_SOURCE_ID + i), {
        authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: roleArn(i), resource_id: String(FIRST_APPLICATION_ID + i) }],
      });
    }
    // generous: at the bucket's pace the whole run takes about afterBurst / RATE_PER_SEC seconds
    const answered = statusTimes(sut, sources, ((sources / RATE_PER_SEC) * 2 + 30) * 1000);
    answered.catch(() => {}); // awaited below, after the POSTs
    const postedAt = performance.now();
    await postAll(sut, sources);
    const times = await answered;

    const sts = sut.emulators.sts.calls;
    const iam = sut.emulators.sts.iam.calls;
    const throttled = sts.byVerdict.throttled;
    if (sts.byVerdict.ok !== sources) throw new Error(`expected ${sources} successful STS calls, got ${JSON.stringify(sts.byVerdict)}`);
    const callsPerSource = (sts.total + iam.total) / sources;
    console.log(`   cloud calls per checked source: ${callsPerSource.toFixed(2)} (STS ${(sts.total / sources).toFixed(2)}, IAM ${(iam.total / sources).toFixed(2)}); IAM throttle replies ${iam.byVerdict.throttled}`);
    const sustained = slopePerSecond(times.slice(2 * BURST));
    const seconds = (times[sources - 1]! - times[0]!) / 1000;
    console.log(`   ${sources} checks, first status ${((times[0]! - postedAt) / 1000).toFixed(2)} s after the first POST, last ${seconds.toFixed(1)} s after the first; `
      + `sustained ${sustained.toFixed(2)}/s from check ${2 * BURST} on; whole run (checks − burst) / time = ${((sources - BURST) / seconds).toFixed(2)}/s; ${throttled} throttle replies`);

    sut.emulators.sts.behaviour.resetCalls();
    const baselineChecks = options.quick ? 3 : 6;
    const baseline = await firstImplementationPace(sut, baselineChecks);
    console.log(`   first implementation's pace: ${baseline.toFixed(3)} checks/s (${baselineChecks} checks, 1 s sleep after each)`);

    const benchmark = `check path aws ${RATE_PER_SEC}/s burst ${BURST}, ${LATENCY_MS} ms`;
    return [
      {
        benchmark, metric: 'sustained checks/s vs bucket rate', value: sustained, baseline: RATE_PER_SEC,
        baselineLabel: `the emulator's bucket refill (${RATE_PER_SEC}/s)`, target: { on: 'ratio', atLeast: 0.95 },
      },
      { benchmark, metric: 'throttle replies', value: throttled, target: { on: 'value', atMost: 0 } },
      { benchmark, metric: 'IAM throttle replies (permission check)', value: iam.byVerdict.throttled, target: { on: 'value', atMost: 0 } },
      {
        benchmark, metric: 'cloud calls per checked source, permission check on', value: callsPerSource, baseline: 1,
        baselineLabel: 'the reachability check alone (one AssumeRole)',
      },
      {
        benchmark: `${benchmark} vs first impl.`, metric: 'sustained checks/s', value: sustained, baseline,
        baselineLabel: 'the first implementation: one check then 1 s sleep per provider (README: The Sources contract §5)',
      },
    ];
  } finally {
    await sut.stop();
  }
}
