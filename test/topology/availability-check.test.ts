// The worker topology on the embedded test driver, with in-memory services standing in for
// Sources and the clouds (pure logic; the real SDKs and emulators are tested end to end elsewhere).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TopologyTestDriver } from '../../src/streams/embedded/test-driver.ts';
import { DEFAULT_TOPICS, encodeCheckRequest, validateStatusMessage } from '../../src/contract/index.ts';
import { toApplicationStatus, type ApplicationChecks, type CheckOutcome } from '../../src/checks/index.ts';
import type { ApplicationAuthentication, CheckRequest } from '../../src/domain/types.ts';
import { buildAvailabilityTopology } from '../../topology/availability-check.ts';

const identityJson = { identity: { account_number: '0001', org_id: '000001', internal: { org_id: '' }, type: 'System' }, entitlements: null };
const xRhIdentity = Buffer.from(JSON.stringify(identityJson)).toString('base64');
const identity = { xRhIdentity, orgId: '000001', accountNumber: '0001' };

interface Fakes {
  applications: Map<string, ApplicationAuthentication[]>;
  outcomes: Map<string, CheckOutcome[]>;
  lookups: string[];
  checks: string[];
}

function setup(ttlMs = 60_000) {
  const fakes: Fakes = { applications: new Map(), outcomes: new Map(), lookups: [], checks: [] };
  const topology = buildAvailabilityTopology({
    topics: DEFAULT_TOPICS,
    ttlMs,
    concurrency: 4,
    sourceTimeoutMs: 10_000,
    retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 1000 },
    services: {
      findApplications: async (request) => {
        fakes.lookups.push(request.sourceId);
        await Promise.resolve(); // no real timers: the driver's clock jumps over backoffs
        return fakes.applications.get(request.sourceId);
      },
      checkApplications: async (apps) => {
        const result: ApplicationChecks = { statuses: [], transient: [] };
        for (const app of apps) {
          fakes.checks.push(app.accountRef);
          const queue = fakes.outcomes.get(app.accountRef) ?? [];
          const outcome = queue.length > 1 ? queue.shift()! : queue[0] ?? { kind: 'available' };
          const status = toApplicationStatus(app.applicationId, outcome);
          if (status) result.statuses.push(status);
          else if (outcome.kind === 'transient') result.transient.push({ applicationId: app.applicationId, provider: app.provider, reason: outcome.reason, throttled: outcome.throttled });
        }
        return result;
      },
    },
  });
  const driver = new TopologyTestDriver(topology, { partitions: 3, startTime: 1_700_000_000_000 });
  const request = (sourceId: string, noCache = false, topic = DEFAULT_TOPICS.requests) => {
    const record = encodeCheckRequest({ sourceId, identity, noCache, requestId: `req-${sourceId}` } satisfies CheckRequest);
    const headers: Record<string, string> = {};
    for (const h of record.headers) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
    driver.pipeInput(topic, record.key!.toString(), record.value!, headers);
  };
  return { fakes, driver, request };
}

const aws = (applicationId: string, accountRef: string): ApplicationAuthentication => ({ applicationId, provider: 'aws', accountRef });

test('a checked source yields one byte-exact status message per application', async () => {
  const { fakes, driver, request } = setup();
  fakes.applications.set('10', [aws('501', 'arn:aws:iam::123456789012:role/ok'), { applicationId: '502', provider: 'gcp', accountRef: 'denied-project' }]);
  fakes.outcomes.set('denied-project', [{ kind: 'unavailable', code: 'access_denied', error: 'The GCP project denied-project cannot be read: permission denied.' }]);
  request('10');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  const out = driver.readOutput(DEFAULT_TOPICS.status);
  assert.equal(out.map((r) => r.key), ['501', '502']);
  assert.is(out[0]!.value!.toString(), '{"resource_type":"Application","resource_id":"501","status":"available","error":""}');
  assert.is(out[1]!.value!.toString(), '{"resource_type":"Application","resource_id":"502","status":"unavailable","error":"The GCP project denied-project cannot be read: permission denied."}');
  assert.equal(Object.keys(out[0]!.headers), ['event_type', 'x-rh-identity', 'x-rh-sources-org-id', 'x-rh-sources-account-number', 'content-type']);
  for (const record of out) assert.equal(validateStatusMessage({ key: record.key, value: record.value, headers: record.headers }), []);
});

test('a repeat within the TTL is answered from the table; after the TTL and with no-cache, it is checked again', async () => {
  const { fakes, driver, request } = setup(60_000);
  fakes.applications.set('11', [aws('601', 'arn:aws:iam::123456789012:role/a')]);
  request('11');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  request('11');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(fakes.checks.length, 1, 'second request answered from the table');
  assert.is(driver.readOutput(DEFAULT_TOPICS.status).length, 2);
  request('11', true, DEFAULT_TOPICS.priority);
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(fakes.checks.length, 2, 'no-cache request checks again');
  await driver.advanceTime(60_000, { maxRealMs: 2000 });
  request('11');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(fakes.checks.length, 3, 'expired entry checks again');
  assert.is(driver.readOutput(DEFAULT_TOPICS.status).length, 4);
});

test('a TTL of 0 disables the cache: every request is checked', async () => {
  const { fakes, driver, request } = setup(0);
  fakes.applications.set('18', [aws('901', 'arn:aws:iam::123456789012:role/c')]);
  request('18');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  request('18');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(fakes.checks.length, 2);
  assert.is(driver.readOutput(DEFAULT_TOPICS.status).length, 2);
});

test('ten concurrent requests for one source make one lookup and one cloud call, and ten answers', async () => {
  const { fakes, driver, request } = setup();
  fakes.applications.set('12', [aws('701', 'arn:aws:iam::123456789012:role/b')]);
  for (let i = 0; i < 10; i++) request('12');
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(fakes.lookups.length, 1);
  assert.is(fakes.checks.length, 1);
  assert.is(driver.readOutput(DEFAULT_TOPICS.status).length, 10);
});

test('a transient outcome is retried and never sent as unavailable; exhausted retries go to the dead letters', async () => {
  const { fakes, driver, request } = setup();
  fakes.applications.set('13', [aws('801', 'arn:aws:iam::123456789012:role/flaky')]);
  fakes.outcomes.set('arn:aws:iam::123456789012:role/flaky', [{ kind: 'transient', reason: 'throttled', throttled: true }, { kind: 'available' }]);
  fakes.applications.set('14', [aws('802', 'arn:aws:iam::123456789012:role/down')]);
  fakes.outcomes.set('arn:aws:iam::123456789012:role/down', [{ kind: 'transient', reason: 'HTTP 503', throttled: false }]);
  request('13');
  request('14');
  await driver.runUntilIdle({ maxRealMs: 3000 });
  const statuses = driver.readOutput(DEFAULT_TOPICS.status).map((r) => JSON.parse(r.value!.toString()));
  assert.equal(statuses, [{ resource_type: 'Application', resource_id: '801', status: 'available', error: '' }]);
  const dead = driver.deadLetters();
  assert.is(dead.length, 1);
  assert.is(dead[0]!.key, '14');
  assert.match(dead[0]!.reason, /HTTP 503/);
  assert.is(fakes.checks.filter((c) => c.endsWith('/down')).length, 3, 'three attempts');
});

test('unknown sources, sources without applications and malformed requests send nothing to Sources', async () => {
  const { driver, request } = setup();
  request('15'); // Sources does not know it
  driver.pipeInput(DEFAULT_TOPICS.requests, '16', '{"source_id":16}', { 'x-rh-sources-org-id': '000001' });
  driver.pipeInput(DEFAULT_TOPICS.requests, '17', '{"source_id":"17"}', {}); // no identity at all
  // written under another source's key: its partition (and results shard) belongs to source 18
  driver.pipeInput(DEFAULT_TOPICS.requests, '18', '{"source_id":"19"}', { 'x-rh-sources-org-id': '000001' });
  await driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000 });
  assert.is(driver.readOutput(DEFAULT_TOPICS.status).length, 0);
  const reasons = driver.deadLetters().map((d) => `${d.key}: ${d.reason}`);
  assert.is(reasons.length, 3);
  assert.match(reasons.join('\n'), /18: .*key "18" differs from source_id "19"/);
  assert.match(reasons.join('\n'), /16: .*source_id/);
  assert.match(reasons.join('\n'), /17: .*neither an org id nor an account number/);
});

test.run();
