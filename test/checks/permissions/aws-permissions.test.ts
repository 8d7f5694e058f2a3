// The AWS permission check end to end through the real SDKs (STS, then IAM with the assumed
// role's credentials) against the STS/IAM emulator, through the real rate limiter.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAwsChecker } from '../../../src/checks/aws.ts';
import { checkAccount } from '../../../src/checks/check-account.ts';
import type { Checker } from '../../../src/checks/types.ts';
import { DEFAULT_AWS_PERMISSIONS } from '../../../src/config/required-permissions.ts';
import { CheckLimiter, type CheckGate } from '../../../src/ratelimit/index.ts';
import { installLoopbackGuard } from '../../emulators/loopback-only.ts';
import { startStsEmulator, type StsEmulator } from '../../emulators/sts.ts';

const ARN = 'arn:aws:iam::123456789012:role/provisioning';
const REQUIRED = ['ec2:CreateTags', 'ec2:DescribeImages', 'ec2:RunInstances', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListAttachedRolePolicies'];
const IAM_READS = ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'];
const guard = installLoopbackGuard();
const test = suite<{ sts: StsEmulator; aws: Checker }>('aws permission check', {} as never);

test.before(async (ctx) => {
  ctx.sts = await startStsEmulator();
  ctx.aws = createAwsChecker({ region: 'us-east-1', endpoint: ctx.sts.url, iamEndpoint: ctx.sts.url, credentials: { accessKeyId: ctx.sts.accessKeyId, secretAccessKey: 'emulator-secret' } });
});
test.after(async (ctx) => { await ctx.sts.stop(); guard.uninstall(); });
test.before.each((ctx) => { ctx.sts.behaviour.clearModes(); ctx.sts.iam.clearModes(); ctx.sts.behaviour.resetCalls(); ctx.sts.iam.resetCalls(); });

const fast = { policy: { baseDelayMs: 1, maxDelayMs: 5, attemptTimeoutMs: 2000, maxAttempts: 3 } };
const ec2Policy = (actions: string[]) => ({ arn: 'arn:aws:iam::123456789012:policy/provisioning-ec2', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } });

test('full grant through wildcards across a managed and an inline policy → available; 1 STS call + 2 per managed policy + 2 + 1 per inline policy on IAM', async ({ sts, aws }) => {
  const arn = `${ARN}-full`;
  sts.setRolePolicies(arn, { attached: [ec2Policy(['ec2:Describe*', 'ec2:RunInstances', 'ec2:CreateTags'])], inline: { 'read-own-policies': { Statement: { Effect: 'Allow', Action: 'iam:Get*Polic*', Resource: '*' } }, more: { Statement: [{ Effect: 'Allow', Action: ['iam:List*'], Resource: '*' }] } } });
  const outcome = await checkAccount(aws, arn, { ...fast, required: REQUIRED });
  assert.equal(outcome, { kind: 'available' });
  assert.is(sts.calls.total, 1);
  assert.is(sts.iam.calls.total, 1 + 2 + 1 + 2);
});

test('one permission removed → missing_permissions with the exact sentence; a Deny in another policy wins over the Allow', async ({ sts, aws }) => {
  const arn = `${ARN}-partial`;
  sts.setRolePolicies(arn, { attached: [ec2Policy(['ec2:*']), { arn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess', document: { Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }] } }], inline: { 'no-tags': { Statement: [{ Effect: 'Deny', Action: 'ec2:createtags', Resource: '*' }] } } });
  assert.equal(await checkAccount(aws, arn, { ...fast, required: REQUIRED }), {
    kind: 'unavailable', code: 'missing_permissions', error: 'Missing AWS permissions ec2:CreateTags', missing: ['ec2:CreateTags'],
  });
});

test('the default list against a role granting only EC2 launches: the IAM reads are reported, sorted', async ({ sts, aws }) => {
  const arn = `${ARN}-ec2-only`;
  sts.setRolePolicies(arn, { attached: [ec2Policy(['ec2:*'])], inline: {} });
  const outcome = await checkAccount(aws, arn, { ...fast, required: DEFAULT_AWS_PERMISSIONS });
  assert.equal(outcome.kind === 'unavailable' ? outcome.missing : outcome, IAM_READS);
  assert.is(outcome.kind === 'unavailable' && outcome.error, `Missing AWS permissions ${IAM_READS.join(', ')}`);
});

test('a condition → cannot confirm: available, the permission listed apart and never missing', async ({ sts, aws }) => {
  const arn = `${ARN}-conditional`;
  sts.setRolePolicies(arn, { attached: [ec2Policy(['ec2:Describe*', 'ec2:CreateTags', 'iam:*'])], inline: { region: { Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }] } } });
  assert.equal(await checkAccount(aws, arn, { ...fast, required: REQUIRED }), { kind: 'available', unconfirmed: ['ec2:RunInstances'] });
});

test('the customer removed iam:GetPolicy: the denied read is itself the missing permission', async ({ sts, aws }) => {
  const arn = `${ARN}-no-get-policy`;
  sts.denyIam(arn, 'iam:GetPolicy');
  assert.equal(await checkAccount(aws, arn, { ...fast, required: REQUIRED }), {
    kind: 'unavailable', code: 'missing_permissions', error: 'Missing AWS permissions iam:GetPolicy', missing: ['iam:GetPolicy'],
  });
});

test('IAM throttled or failing → transient after the retries, never missing; AssumeRole is not repeated', async ({ sts, aws }) => {
  for (const mode of ['throttled', 'server-error'] as const) {
    sts.behaviour.resetCalls();
    sts.iam.resetCalls();
    sts.iam.setMode(`${ARN}-${mode}`, mode);
    const outcome = await checkAccount(aws, `${ARN}-${mode}`, { ...fast, required: REQUIRED });
    assert.is(outcome.kind, 'transient', mode);
    assert.is(outcome.kind === 'transient' && outcome.throttled, mode === 'throttled');
    assert.is(sts.calls.total, 1, 'the definitive AssumeRole answer is not retried');
    assert.is(sts.iam.calls.total, 3, 'the IAM read is retried up to maxAttempts');
  }
});

test('a role that cannot be assumed gets no IAM call; with no required list there is no permission check', async ({ sts, aws }) => {
  sts.setMode(`${ARN}-denied`, 'denied');
  assert.is((await checkAccount(aws, `${ARN}-denied`, { ...fast, required: REQUIRED })).kind, 'unavailable');
  assert.equal(await checkAccount(aws, `${ARN}-unchecked`, { ...fast }), { kind: 'available' });
  assert.is(sts.iam.calls.total, 0);
});

test('IAM calls take tokens from the limiter\'s iam bucket (and its per-account bucket), not from the aws one', async ({ sts, aws }) => {
  const limiter = new CheckLimiter({ limits: { iam: { quota: { ratePerSec: 1000, burst: 1000 }, perAccount: { ratePerSec: 1000, burst: 1000 } } } });
  sts.setRolePolicies(`${ARN}-gated`, { attached: [ec2Policy(['*'])], inline: { a: { Statement: [] } } });
  const buckets: string[] = [];
  const gate: CheckGate = {
    acquire: (api, key, signal) => { buckets.push(`${api} ${key.tenant} ${key.accountRef}`); return limiter.acquire(api, key, signal); },
    onThrottle: (api, key) => limiter.onThrottle(api, key),
  };
  assert.equal(await checkAccount(aws, `${ARN}-gated`, { ...fast, gate, tenant: 'org:7', required: REQUIRED }), { kind: 'available' });
  assert.equal(buckets, ['aws', 'iam', 'iam', 'iam', 'iam', 'iam'].map((api) => `${api} org:7 ${ARN}-gated`), 'every call is charged to the request\'s tenant');
  assert.is(sts.iam.calls.total, 5);
});

test('IAM reads spend the customer account\'s quota: one tenant\'s spent IAM budget does not hold another tenant\'s check', async ({ sts, aws }) => {
  // an IAM budget of 4 reads per (tenant, AWS account) that does not refill within the test: exactly one check's worth
  const limiter = new CheckLimiter({ headroom: 1, limits: { iam: { quota: { ratePerSec: 0.001, burst: 4 }, perAccount: { ratePerSec: 1000, burst: 1000 } } } });
  const short = { policy: { ...fast.policy, attemptTimeoutMs: 1000, totalBudgetMs: 1500 }, gate: limiter, required: REQUIRED };
  const roleIn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
  assert.equal(await checkAccount(aws, roleIn('111111111111', 'first'), { ...short, tenant: 'org:A' }), { kind: 'available' });
  const again = await checkAccount(aws, roleIn('111111111111', 'second'), { ...short, tenant: 'org:A' });
  assert.equal(again, { kind: 'transient', reason: 'rate limited: no slot within the check budget', throttled: false }, 'another role of the same account shares its IAM budget');
  assert.equal(await checkAccount(aws, roleIn('222222222222', 'first'), { ...short, tenant: 'org:B' }), { kind: 'available' }, 'tenant B is not charged for A\'s reads');
  assert.equal(await checkAccount(aws, roleIn('111111111111', 'first'), { ...short, tenant: 'org:B' }), { kind: 'available' }, 'nor when it names A\'s account');
  assert.is(sts.iam.calls.byVerdict.throttled, 0);
  assert.is(sts.iam.calls.total, 3 * 4);
});

test.run();
