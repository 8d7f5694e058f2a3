// The check path against a cloud that enforces its quota (README: Benchmarks targets: with 100 ms emulated latency
// and a 20/s, burst-100 bucket enforced by the emulator, sustain ≥ 95% of the bucket rate with
// zero throttle replies).
//
// The whole service runs embedded (real ingress over HTTP, real worker topology, real AWS SDK)
// against the emulators. Every source is posted at once, so after the first 100 checks spend the
// burst, the buckets (the emulator's and our own limiter's) set the pace. The throughput is
// (checks − burst) / T, T from the first STS call the emulator received to the last status sent:
// a bucket admits at most burst + rate × T calls in T seconds, so the figure cannot exceed the
// bucket rate, and it counts against us everything between the cloud seeing the first call and
// the last answer (our limiter's headroom, the IAM reads after the last STS call, every stall of
// the pipeline). The least-squares slope of the statuses from number 2 × burst on is printed
// beside it: above the bucket rate it means statuses were catching up with a backlog.
//
// The baseline is the first implementation's pace (README: The Sources contract §5: one check, then a fixed 1 s
// sleep, per provider), measured here with the same checker against the same emulator.
//
// The permission check is on (the default): each check is AssumeRole on STS, then the role's
// policies read on IAM (4 reads for the emulator's default role: one attached policy, no inline
// one). IAM's quota is the customer's AWS account's, so every source's role is in an account of
// its own, as customers' roles are; the emulator enforces IAM's quota per account and our limiter
// runs with its defaults. The cloud calls per checked source and the throttle replies of both are
// reported. BENCH_CHECK_CONCURRENCY overrides CHECK_CONCURRENCY (to compare defaults in one sitting).
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
// IAM's quota per AWS account in this run: our limiter's default
const IAM_RATE_PER_SEC = 10;
const IAM_BURST = 20;
const FIRST_SOURCE_ID = 50_000;
const FIRST_APPLICATION_ID = 70_000;
const POSTS_IN_PARALLEL = 10;

/** source i's role, in an AWS account of its own */
const roleArn = (i: number) => `arn:aws:iam::${String(100_000_000_000 + i)}:role/bench`;

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
      PERMISSION_CHECK: 'aws',
      ...(process.env.BENCH_CHECK_CONCURRENCY ? { CHECK_CONCURRENCY: process.env.BENCH_CHECK_CONCURRENCY } : {}),
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
    const { first: firstSts, last: lastSts } = sut.emulators.sts.behaviour.arrivals;
    const lastStatus = times[sources - 1]!;
    const throughput = (sources - BURST) / ((lastStatus - firstSts) / 1000);
    const stsPace = (sources - BURST) / ((lastSts - firstSts) / 1000);
    const slope = slopePerSecond(times.slice(2 * BURST));
    const since = (t: number) => ((t - postedAt) / 1000).toFixed(2);
    console.log(`   ${sources} checks (CHECK_CONCURRENCY ${sut.config.checks.concurrencyPerProvider}); after the first POST: first STS call ${since(firstSts)} s, first status ${since(times[0]!)} s, `
      + `last STS call ${since(lastSts)} s, last status ${since(lastStatus)} s`);
    console.log(`   throughput (checks − burst) / (last status − first STS call) = ${throughput.toFixed(2)}/s; STS pace (calls − burst) / (last − first STS call) = ${stsPace.toFixed(2)}/s; `
      + `statuses' slope from ${2 * BURST} on ${slope.toFixed(2)}/s; ${throttled} throttle replies`);

    sut.emulators.sts.behaviour.resetCalls();
    const baselineChecks = options.quick ? 3 : 6;
    const baseline = await firstImplementationPace(sut, baselineChecks);
    console.log(`   first implementation's pace: ${baseline.toFixed(3)} checks/s (${baselineChecks} checks, 1 s sleep after each)`);

    const benchmark = `check path aws ${RATE_PER_SEC}/s burst ${BURST}, ${LATENCY_MS} ms`;
    return [
      {
        benchmark, metric: 'checks/s (checks − burst over the run) vs bucket rate', value: throughput, baseline: RATE_PER_SEC,
        baselineLabel: `the emulator's bucket refill (${RATE_PER_SEC}/s)`, target: { on: 'ratio', atLeast: 0.95 },
      },
      { benchmark, metric: 'throttle replies', value: throttled, target: { on: 'value', atMost: 0 } },
      { benchmark, metric: 'IAM throttle replies (permission check)', value: iam.byVerdict.throttled, target: { on: 'value', atMost: 0 } },
      {
        benchmark, metric: 'cloud calls per checked source, permission check on', value: callsPerSource, baseline: 1,
        baselineLabel: 'the reachability check alone (one AssumeRole)',
      },
      {
        benchmark: `${benchmark} vs first impl.`, metric: 'checks/s', value: throughput, baseline,
        baselineLabel: 'the first implementation: one check then 1 s sleep per provider (README: The Sources contract §5)',
      },
    ];
  } finally {
    await sut.stop();
  }
}
