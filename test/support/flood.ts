// The flood scenario, shared by its test (invariants) and its benchmark (timing): 1000 sources
// requested at once (as fast as 50 connections are answered), through the real ingress, against an STS emulator that enforces AWS's quota
// (20/s, burst 100) with 20 ms latency; every tenth role is denied.
import type { LogRecord } from '../../src/streams/embedded/index.ts';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import type { CallCounters } from '../emulators/behaviour.ts';
import { collectEmbedded, startServiceUnderTest } from './service.ts';

export const FLOOD_SOURCES = 1000;
export const FLOOD_RATE_PER_SEC = 20;
const POSTING_CONNECTIONS = 50;

export interface FloodRun {
  /** the ingress's answer to each POST */
  statuses: number[];
  /** every status message, in arrival order */
  records: LogRecord[];
  /** application ids of the denied roles */
  denied: Set<string>;
  /** the STS emulator's counters */
  calls: CallCounters;
  /** from the first POST to the last status message */
  seconds: number;
}

export async function runFlood(sources = FLOOD_SOURCES): Promise<FloodRun> {
  // the STS quota is under test: no permission check (its IAM reads have a bucket of their own, see the check-path bench)
  const sut = await startServiceUnderTest(
    { AWS_RATE_PER_SEC: String(FLOOD_RATE_PER_SEC), AWS_BURST: '100', INGRESS_ORG_BURST: String(sources * 5), PERMISSION_CHECK: 'off' },
    { seedDemo: false, latencyMs: 20, buckets: { aws: { ratePerSec: FLOOD_RATE_PER_SEC, burst: 100 } } },
  );
  try {
    const denied = new Set<string>();
    for (let i = 0; i < sources; i++) {
      const sourceId = String(50_000 + i);
      const roleArn = `arn:aws:iam::123456789012:role/flood-${i}`;
      sut.emulators.sources.seed(sourceId, { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: roleArn, resource_id: String(70_000 + i) }] });
      if (i % 10 === 0) { sut.emulators.sts.setMode(roleArn, 'denied'); denied.add(String(70_000 + i)); }
    }
    const answered = collectEmbedded(sut.service, sut.config.topics.status, sources, 120_000);
    answered.catch(() => {}); // awaited below, after the POSTs
    const started = performance.now();
    // 50 keep-alive connections post as fast as they are answered: a thousand connections opened
    // at one instant would test the machine's listen backlog and connect timeouts instead
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: POSTING_CONNECTIONS }, async () => {
      while (next < sources) {
        const i = next++;
        statuses[i] = await sut.post(String(50_000 + i));
      }
    }));
    const records = await answered;
    return { statuses, records, denied, calls: sut.emulators.sts.calls, seconds: (performance.now() - started) / 1000 };
  } finally {
    await sut.stop();
  }
}
