// Tenant isolation in the worker topology, on the embedded test driver: a result in the table and a
// check in flight answer only requests of the tenant that owns the source. The fake Sources below
// answers like the real one: a source of another tenant is unknown (404, `undefined`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { TopologyTestDriver } from '../../src/streams/embedded/test-driver.ts';
import { DEFAULT_TOPICS, decodeIdentityHeader, encodeCheckRequest, headerValue, IDENTITY_HEADER } from '../../src/contract/index.ts';
import type { ApplicationAuthentication, CheckRequest, RequestIdentity } from '../../src/domain/types.ts';
import { buildAvailabilityTopology } from '../../topology/availability-check.ts';

function identityOf(fields: { org_id?: string; account_number?: string; user?: string }): RequestIdentity {
  const { user, ...tenant } = fields;
  const json = { identity: { ...tenant, type: 'User', user: { username: user ?? 'scheduler' } } };
  return { xRhIdentity: Buffer.from(JSON.stringify(json)).toString('base64'), orgId: fields.org_id ?? '', accountNumber: fields.account_number ?? '' };
}

const OWNER = identityOf({ org_id: '000002', account_number: '0002' });
const FOREIGN = identityOf({ org_id: '000001', account_number: '0001' });
/** an identity without an org id whose caller names the owner's org in the header */
const CLAIMING = { ...identityOf({ account_number: '0003' }), orgId: '000002' };

/** What a gated fake call waits for; `open()` lets every waiting and later call through. */
class Gate {
  private release: (() => void) | undefined;
  private readonly opened: Promise<void>;
  constructor() { this.opened = new Promise((resolve) => { this.release = resolve; }); }
  open(): void { this.release!(); }
  wait(): Promise<void> { return this.opened; }
}

interface Fakes {
  /** source id → its owner's org id and its applications */
  sources: Map<string, { orgId: string; applications: ApplicationAuthentication[] }>;
  /** (org id of the caller, source id) of every lookup */
  lookups: string[];
  checks: string[];
  lookupGates: Map<string, Gate>;
  checkGates: Map<string, Gate>;
}

function setup() {
  const fakes: Fakes = { sources: new Map(), lookups: [], checks: [], lookupGates: new Map(), checkGates: new Map() };
  const topology = buildAvailabilityTopology({
    topics: DEFAULT_TOPICS,
    ttlMs: 60_000,
    concurrency: 8,
    sourceTimeoutMs: 60_000,
    retry: { maxAttempts: 1 },
    services: {
      findApplications: async (request) => {
        // like Sources: the tenant is the identity's org id (x-rh-identity wins over the headers)
        const orgId = decodeIdentityHeader(request.identity.xRhIdentity).orgId;
        fakes.lookups.push(`${orgId || '-'}/${request.sourceId}`);
        await (fakes.lookupGates.get(`${orgId}/${request.sourceId}`)?.wait() ?? Promise.resolve());
        const source = fakes.sources.get(request.sourceId);
        return source !== undefined && source.orgId === orgId ? source.applications : undefined;
      },
      checkApplications: async (apps) => {
        for (const app of apps) fakes.checks.push(app.accountRef);
        await Promise.all(apps.map((app) => fakes.checkGates.get(app.accountRef)?.wait()));
        return { statuses: apps.map((app) => ({ applicationId: app.applicationId, status: 'available' as const, error: '' })), transient: [] };
      },
    },
  });
  const driver = new TopologyTestDriver(topology, { partitions: 2, startTime: 1_700_000_000_000 });
  let requests = 0;
  const request = (identity: RequestIdentity, sourceId: string, noCache = false) => {
    const record = encodeCheckRequest({ sourceId, identity, noCache, requestId: `req-${++requests}` } satisfies CheckRequest);
    const headers: Record<string, string> = {};
    for (const h of record.headers) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
    driver.pipeInput(noCache ? DEFAULT_TOPICS.priority : DEFAULT_TOPICS.requests, record.key!.toString(), record.value!, headers);
  };
  const run = () => driver.runUntilIdle({ autoAdvance: false, maxRealMs: 2000, quietMs: 30 });
  /** every status message as "identity org/application id" */
  const statuses = () => driver.readOutput(DEFAULT_TOPICS.status).map((r) => {
    const identity = decodeIdentityHeader(headerValue(r.headers, IDENTITY_HEADER));
    return `${identity.orgId || `account ${identity.accountNumber}`}/${r.key}`;
  });
  return { fakes, driver, request, run, statuses };
}

const source3001 = { orgId: '000002', applications: [{ applicationId: '4001', provider: 'aws' as const, accountRef: 'arn:aws:iam::123456789012:role/owner' }] };

test('a cached result answers its owner only: another tenant asking for the source is a miss that Sources answers 404', async () => {
  const { fakes, request, run, statuses } = setup();
  fakes.sources.set('3001', source3001);
  request(OWNER, '3001');
  await run();
  assert.equal(statuses(), ['000002/4001']);
  request(FOREIGN, '3001');
  request(CLAIMING, '3001');
  await run();
  assert.equal(statuses(), ['000002/4001'], 'nothing is sent for the foreign requests');
  assert.equal(fakes.lookups, ['000002/3001', '000001/3001', '-/3001'], 'each foreign request asked Sources itself');
  request(OWNER, '3001');
  await run();
  assert.equal(statuses(), ['000002/4001', '000002/4001'], 'the owner is still answered');
  assert.is(fakes.checks.length, 1, 'from the table: the foreign misses neither evicted nor replaced the owner\'s result');
});

test('a foreign request first leaves nothing behind: the owner is checked and then answered from the table', async () => {
  const { fakes, request, run, statuses } = setup();
  fakes.sources.set('3001', source3001);
  request(FOREIGN, '3001');
  await run();
  request(OWNER, '3001');
  await run();
  request(OWNER, '3001');
  await run();
  assert.equal(statuses(), ['000002/4001', '000002/4001']);
  assert.is(fakes.checks.length, 1);
});

test('a foreign request arriving while the owner\'s check is in flight does not join it', async () => {
  const { fakes, request, run, statuses } = setup();
  fakes.sources.set('3001', source3001);
  const gate = new Gate();
  fakes.checkGates.set('arn:aws:iam::123456789012:role/owner', gate);
  request(OWNER, '3001');
  await run();
  request(FOREIGN, '3001');
  await run();
  assert.equal(fakes.lookups, ['000002/3001', '000001/3001'], 'the foreign request made its own lookup');
  gate.open();
  await run();
  assert.equal(statuses(), ['000002/4001'], 'the owner is answered, the foreign request gets nothing');
  assert.is(fakes.checks.length, 1);
});

test('the owner\'s request arriving while a foreign lookup of its source is in flight is checked and answered', async () => {
  const { fakes, request, run, statuses } = setup();
  fakes.sources.set('3001', source3001);
  const gate = new Gate();
  fakes.lookupGates.set('000001/3001', gate);
  request(FOREIGN, '3001');
  await run();
  request(OWNER, '3001');
  await run();
  assert.equal(statuses(), ['000002/4001'], 'answered without waiting for the foreign lookup');
  gate.open();
  await run();
  assert.equal(statuses(), ['000002/4001']);
});

test('requests of one tenant (two users of one org) still share one lookup and one cloud call', async () => {
  const { fakes, driver, request, run } = setup();
  fakes.sources.set('3001', source3001);
  const gate = new Gate();
  fakes.checkGates.set('arn:aws:iam::123456789012:role/owner', gate);
  const colleague = identityOf({ org_id: '000002', account_number: '0002', user: 'alice' });
  request(OWNER, '3001');
  await run();
  request(colleague, '3001');
  request(OWNER, '3001', true);
  await run();
  gate.open();
  await run();
  assert.equal(fakes.lookups, ['000002/3001']);
  assert.is(fakes.checks.length, 1);
  const identities = driver.readOutput(DEFAULT_TOPICS.status).map((r) => headerValue(r.headers, IDENTITY_HEADER));
  assert.equal(identities.sort(), [OWNER.xRhIdentity, colleague.xRhIdentity, OWNER.xRhIdentity].sort(), 'each request answered under its own identity');
});

test('a request record without x-rh-identity is dead-lettered, never keyed by its org header', async () => {
  const { driver, run, statuses } = setup();
  driver.pipeInput(DEFAULT_TOPICS.requests, '3001', '{"source_id":"3001"}', { 'x-rh-sources-org-id': '000002' });
  await run();
  assert.equal(statuses(), []);
  assert.equal(driver.deadLetters().map((d) => `${d.key} at ${d.node}`), ['3001 at read-request']);
});

test('property: whatever the interleaving, no status message carries another tenant\'s application, and every owner request is answered', async () => {
  const tenants = [OWNER, FOREIGN, CLAIMING, identityOf({ org_id: '000002', user: 'bob' })];
  const step = fc.record({
    tenant: fc.integer({ min: 0, max: tenants.length - 1 }),
    source: fc.constantFrom('3001', '3002', '3003'),
    noCache: fc.boolean(),
    settle: fc.boolean(),
  });
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
    const { fakes, request, run, statuses } = setup();
    fakes.sources.set('3001', source3001);
    fakes.sources.set('3002', { orgId: '000001', applications: [{ applicationId: '4002', provider: 'gcp', accountRef: 'project-a' }] });
    // 3003 exists for nobody
    let ownerRequests = 0;
    for (const s of steps) {
      const identity = tenants[s.tenant]!;
      const orgOfIdentity = decodeIdentityHeader(identity.xRhIdentity).orgId;
      if (fakes.sources.get(s.source)?.orgId === orgOfIdentity) ownerRequests++;
      request(identity, s.source, s.noCache);
      if (s.settle) await run();
    }
    await run();
    const owners = new Map([['4001', '000002'], ['4002', '000001']]);
    for (const status of statuses()) {
      const [org, application] = status.split('/');
      assert.is(org, owners.get(application!), `status ${status} went to its owner`);
    }
    assert.is(statuses().length, ownerRequests, 'one answer per owner request');
  }), { seed: 9, numRuns: 150 });
});

test.run();
