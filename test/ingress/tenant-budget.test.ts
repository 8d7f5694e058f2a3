// The ingress charges a request to the tenant of its x-rh-identity, never to an org or account
// the caller names in a header: naming a victim's org spends the caller's own budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import request from 'supertest';
import { createIngress, type IngressLimits } from '../../src/ingress/app.ts';
import { decodeCheckRequest } from '../../src/contract/check-request.ts';
import type { KafkaRecord } from '../../src/contract/record.ts';

const PATH = '/api/provisioning/v1/availability_status/sources';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const LIMITS: IngressLimits = { bodyLimitBytes: 1024, orgRatePerSec: 0.001, orgBurst: 5, publishTimeoutMs: 1000 };

const VICTIM = b64({ identity: { org_id: '000001', account_number: '0001', type: 'System' } });
const ACCOUNT_ONLY = b64({ identity: { account_number: '0666', type: 'User' } });
const ORG_ONLY = b64({ identity: { org_id: '000666', type: 'User' } });

function ingress() {
  const published: KafkaRecord[] = [];
  const { listener } = createIngress({ publish: async (_topic, record) => { published.push(record); }, limits: LIMITS, now: () => 0 });
  const post = (identity: string, headers: Record<string, string> = {}) =>
    request(listener).post(PATH).set('x-rh-identity', identity).set(headers).send({ source_id: '1001' });
  return { published, post };
}

test('an identity without org id naming the victim\'s org in the header spends its own budget, not the victim\'s', async () => {
  const { post } = ingress();
  const attacker: number[] = [];
  for (let i = 0; i < 12; i++) attacker.push((await post(ACCOUNT_ONLY, { 'x-rh-sources-org-id': '000001' })).status);
  assert.equal(attacker, [202, 202, 202, 202, 202, 429, 429, 429, 429, 429, 429, 429], 'the caller\'s own burst of 5');
  const victim: number[] = [];
  for (let i = 0; i < 5; i++) victim.push((await post(VICTIM, { 'x-rh-sources-org-id': '000001' })).status);
  assert.equal(victim, [202, 202, 202, 202, 202], 'the victim\'s budget is untouched');
});

test('an identity without account number naming an account in the header is charged to its own org', async () => {
  const { post } = ingress();
  for (let i = 0; i < 5; i++) assert.is((await post(ORG_ONLY, { 'x-rh-sources-account-number': '0001' })).status, 202);
  assert.is((await post(ORG_ONLY, { 'x-rh-sources-account-number': '0001' })).status, 429);
  assert.is((await post(b64({ identity: { account_number: '0001' } }))).status, 202, 'the named account keeps its budget');
});

test('a header naming another tenant than the identity\'s own is refused and charges nobody', async () => {
  const { post, published } = ingress();
  for (let i = 0; i < 8; i++) assert.is((await post(ORG_ONLY, { 'x-rh-sources-org-id': '000001' })).status, 400);
  assert.is(published.length, 0);
  for (let i = 0; i < 5; i++) assert.is((await post(VICTIM)).status, 202);
});

test('the record of a request whose identity has no org id carries the org header for Sources, as sent', async () => {
  const { post, published } = ingress();
  assert.is((await post(ACCOUNT_ONLY, { 'x-rh-sources-org-id': '000001' })).status, 202);
  const decoded = decodeCheckRequest({ key: published[0]!.key, value: published[0]!.value, headers: published[0]!.headers });
  assert.equal([decoded.identity.orgId, decoded.identity.accountNumber], ['000001', '0666']);
});

test.run();
