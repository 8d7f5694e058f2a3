// A flood of checks against a cloud that enforces its quota (20/s, burst 100, as AWS does):
// every request is answered and none is answered "unavailable" because of throttling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { collectEmbedded, startServiceUnderTest } from '../support/service.ts';

const SOURCES = 1000;

test(`${SOURCES} sources requested at once against a 20/s burst-100 STS: all answered, zero throttled "unavailable"`, async () => {
  // the STS quota is under test: no permission check (its IAM reads have a bucket of their own, see the check-path bench)
  const sut = await startServiceUnderTest({ AWS_RATE_PER_SEC: '20', AWS_BURST: '100', INGRESS_ORG_BURST: '5000', PERMISSION_CHECK: 'off' }, { seedDemo: false, latencyMs: 20, buckets: { aws: { ratePerSec: 20, burst: 100 } } });
  try {
    const denied = new Set<string>();
    for (let i = 0; i < SOURCES; i++) {
      const sourceId = String(50_000 + i);
      const roleArn = `arn:aws:iam::123456789012:role/flood-${i}`;
      sut.emulators.sources.seed(sourceId, { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: roleArn, resource_id: String(70_000 + i) }] });
      if (i % 10 === 0) { sut.emulators.sts.setMode(roleArn, 'denied'); denied.add(String(70_000 + i)); }
    }
    const answered = collectEmbedded(sut.service, sut.config.topics.status, SOURCES, 120_000);
    answered.catch(() => {}); // awaited below, after the POSTs were checked
    const statuses = await Promise.all(Array.from({ length: SOURCES }, (_, i) => sut.post(String(50_000 + i))));
    assert.equal([...new Set(statuses)], [202], 'the ingress accepted every request (its per-org limit is raised for this test)');
    const started = Date.now();
    const records = await answered;
    const seconds = (Date.now() - started) / 1000;
    console.log(`${SOURCES} checks answered in ${seconds.toFixed(1)} s (${(SOURCES / seconds).toFixed(1)}/s against a 20/s quota)`);
    const values = records.map((r) => JSON.parse(r.value!.toString()) as { resource_id: string; status: string });
    assert.is(new Set(values.map((v) => v.resource_id)).size, SOURCES, 'one status per application');
    const unavailable = values.filter((v) => v.status === 'unavailable').map((v) => v.resource_id);
    assert.equal(unavailable.sort(), [...denied].sort(), 'only the denied roles are unavailable');
    assert.is(sut.emulators.sts.calls.byVerdict.throttled, 0, 'the limiter kept us inside the quota');
    assert.is(sut.emulators.sts.calls.total, SOURCES, 'one cloud call per source');
  } finally {
    await sut.stop();
  }
});

test.run();
