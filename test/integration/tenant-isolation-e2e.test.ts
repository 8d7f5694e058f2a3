// Tenant isolation end to end on a real broker: two tenants ask for each other's sources while
// the owner's result is cached and while a check is in flight, in both directions. Invariants:
// no status message carries another tenant's application, and the owner always gets its answer.
// And a caller naming a victim's org in the header does not spend the victim's request budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Kafka from 'node-rdkafka';
import { decodeIdentityHeader, headerMap } from '../../src/contract/index.ts';
import { connectConsumer, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { CHECK_PATH, kafkaServiceEnv, startServiceUnderTest, type ServiceUnderTest } from '../support/service.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
/** the emulators' demo tenant owns the demo sources (1001…) */
const ORG_1 = { 'x-rh-identity': b64({ identity: { org_id: '000001', account_number: '0001', type: 'System' } }), 'x-rh-sources-org-id': '000001' };
const ORG_2 = { 'x-rh-identity': b64({ identity: { org_id: '000002', account_number: '0002', type: 'System' } }), 'x-rh-sources-org-id': '000002' };
/** an identity without org id whose caller names org 000002 in the header */
const CLAIMS_ORG_2 = { 'x-rh-identity': b64({ identity: { account_number: '0666', type: 'User' } }), 'x-rh-sources-org-id': '000002' };

const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const DROPPED = 'sources_availability_check_node_records_total{node="drop-unaddressable",direction="in"}';

async function post(sut: ServiceUnderTest, headers: Record<string, string>, sourceId: string): Promise<number> {
  const response = await fetch(`${sut.url}${CHECK_PATH}`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source_id: sourceId }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function dropped(sut: ServiceUnderTest): Promise<number> {
  const line = (await sut.service.registry.metrics()).split('\n').find((l) => l.startsWith(`${DROPPED} `));
  return Number(line?.split(' ')[1] ?? 0);
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every request ends as status messages or as a drop (Sources had nothing for that tenant). */
class Outcomes {
  readonly statuses: { org: string; application: string }[] = [];
  constructor(private readonly sut: ServiceUnderTest, private readonly reader: Kafka.KafkaConsumer) {}

  /** Reads status messages until statuses + drops reach `total`, the requests answered so far. */
  async settle(total: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.statuses.length + (await dropped(this.sut)) < total) {
      if (Date.now() > deadline) throw new Error(`${this.statuses.length} statuses and ${await dropped(this.sut)} drops, expected ${total} in all`);
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => this.reader.consume(100, (err, m) => (err ? reject(err) : resolve(m))));
      for (const message of batch) {
        const identity = decodeIdentityHeader(headerMap(message.headers)['x-rh-identity']);
        this.statuses.push({ org: identity.orgId || `account ${identity.accountNumber}`, application: message.key!.toString() });
      }
    }
  }

  list(): string[] {
    return this.statuses.map((s) => `${s.org}/${s.application}`).sort();
  }
}

test('two tenants, cached and in flight, both directions: every status goes to its owner, every owner is answered', async () => {
  const sut = await startServiceUnderTest(kafkaServiceEnv(testBrokers(), uniqueName('tenants')));
  const reader = await connectConsumer(uniqueName('tenants-status-reader'), [sut.config.topics.status]);
  reader.setDefaultConsumeTimeout(200);
  const { sources, sts } = sut.emulators;
  for (const [sourceId, applicationId] of [['3001', '4001'], ['3002', '4002'], ['3003', '4003']] as const) {
    sources.seed(sourceId, { orgId: '000002', authentications: [{ authtype: 'provisioning-arn', username: ROLE(`org2-${sourceId}`), resource_id: applicationId }] });
  }
  const outcomes = new Outcomes(sut, reader);
  try {
    // cached, org 2's result: org 1 and an account claiming org 2 in the header ask for it
    assert.is(await post(sut, ORG_2, '3001'), 202);
    await outcomes.settle(1);
    assert.is(await post(sut, ORG_1, '3001'), 202);
    assert.is(await post(sut, CLAIMS_ORG_2, '3001'), 202);
    await outcomes.settle(3);
    assert.equal(outcomes.list(), ['000002/4001']);
    assert.is(await post(sut, ORG_2, '3001'), 202);
    await outcomes.settle(4);
    assert.equal(outcomes.list(), ['000002/4001', '000002/4001'], 'the owner still gets its cached answer');

    // cached, org 1's result: org 2 asks for it
    assert.is(await post(sut, ORG_1, '1001'), 202);
    await outcomes.settle(5);
    assert.is(await post(sut, ORG_2, '1001'), 202);
    await outcomes.settle(6);
    assert.equal(outcomes.list(), ['000001/2001', '000002/4001', '000002/4001']);

    // in flight, org 2's check: org 1 asks while the cloud call is running
    sts.setMode(ROLE('org2-3002'), { slow: 1500 });
    const stsCalls = sts.calls.total;
    assert.is(await post(sut, ORG_2, '3002'), 202);
    await waitFor('the owner\'s cloud call', () => sts.calls.total > stsCalls);
    assert.is(await post(sut, ORG_1, '3002'), 202);
    await outcomes.settle(8);
    assert.equal(outcomes.list(), ['000001/2001', '000002/4001', '000002/4001', '000002/4002']);

    // in flight, org 1's lookup of org 2's source (Sources will say 404): the owner asks meanwhile
    sources.setMode('3003', { slow: 1500 });
    const lookupsOf3003 = () => sources.requests.filter((r) => r.path.includes('/sources/3003/')).length;
    assert.is(await post(sut, ORG_1, '3003'), 202);
    await waitFor('the foreign lookup', () => lookupsOf3003() === 1);
    assert.is(await post(sut, ORG_2, '3003'), 202);
    await outcomes.settle(10);
    assert.equal(outcomes.list(), ['000001/2001', '000002/4001', '000002/4001', '000002/4002', '000002/4003']);
    assert.is(await dropped(sut), 5, 'each foreign request ended with Sources\' 404');
  } finally {
    await disconnect(reader);
    await sut.stop();
  }
});

test('a caller naming a victim\'s org in the header leaves the victim\'s request budget untouched', async () => {
  const sut = await startServiceUnderTest({
    ...kafkaServiceEnv(testBrokers(), uniqueName('tenant-budget')),
    INGRESS_ORG_BURST: '10',
    INGRESS_ORG_RATE_PER_SEC: '0.01',
  });
  const attacker = { 'x-rh-identity': b64({ identity: { account_number: '0666', type: 'User' } }), 'x-rh-sources-org-id': '000001' };
  try {
    const attacks = await Promise.all(Array.from({ length: 30 }, () => post(sut, attacker, '9999')));
    assert.is(attacks.filter((s) => s === 202).length, 10, 'the caller spends its own burst');
    assert.is(attacks.filter((s) => s === 429).length, 20);
    const victim = await Promise.all(Array.from({ length: 10 }, () => post(sut, ORG_1, '1001')));
    assert.equal(victim, Array(10).fill(202), 'the victim\'s whole burst is still there');
  } finally {
    await sut.stop();
  }
});

test.run();
