// The IAM identity-policy evaluator: examples of each rule, then properties over generated policies.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { actionPattern, decodePolicyDocument, evaluateActions, UNREADABLE_POLICY, type PolicyDocument, type PolicyStatement } from '../../../src/checks/permissions/iam-policy.ts';

const RUN = 'ec2:RunInstances';
const TAGS = 'ec2:CreateTags';
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement } as PolicyDocument);
const allow = (Action: unknown, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action, Resource: '*', ...extra });
const deny = (Action: unknown, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Deny', Action, Resource: '*', ...extra });
const one = (docs: PolicyDocument[], action: string) => evaluateActions(docs, [action]).get(action);

test('a policy granting ec2:* is not missing ec2:RunInstances; one granting s3:* is', () => {
  assert.is(one([doc(allow('ec2:*'))], RUN), 'allowed');
  assert.is(one([doc(allow('s3:*'))], RUN), 'missing');
  assert.is(one([doc(allow('*'))], RUN), 'allowed');
});

test('wildcards: * is any run, ? one character, everything else literal', () => {
  assert.is(one([doc(allow('ec2:Run*'))], RUN), 'allowed');
  assert.is(one([doc(allow('ec2:RunInstance?'))], RUN), 'allowed');
  assert.is(one([doc(allow('ec2:RunInstance?'))], 'ec2:RunInstance'), 'missing');
  assert.is(one([doc(allow('ec2:Describe*'))], RUN), 'missing');
  assert.is(one([doc(allow('ec2.RunInstances'))], RUN), 'missing', 'a dot is not a wildcard');
});

test('action names compare case-insensitively', () => {
  assert.is(one([doc(allow('EC2:runinstances'))], RUN), 'allowed');
  assert.is(one([doc(allow('ec2:RunInstances'))], 'EC2:RUNINSTANCES'), 'allowed');
});

test('NotAction: an Allow covers everything it does not list; a Deny denies everything it does not list', () => {
  assert.is(one([doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], RUN), 'allowed');
  assert.is(one([doc({ Effect: 'Allow', NotAction: ['ec2:Run*'], Resource: '*' })], RUN), 'missing');
  assert.is(one([doc(allow('*'), { Effect: 'Deny', NotAction: 'ec2:Describe*', Resource: '*' })], RUN), 'missing');
});

test('an explicit Deny wins over any Allow, in the same or another document', () => {
  assert.is(one([doc(allow('*'), deny(RUN))], RUN), 'missing');
  assert.is(one([doc(allow(RUN)), doc(deny('ec2:*'))], RUN), 'missing');
  assert.is(one([doc(allow(RUN)), doc(deny(TAGS))], RUN), 'allowed');
});

test('a Condition or a narrower resource: "cannot confirm", never missing and never allowed', () => {
  assert.is(one([doc(allow(RUN, { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))], RUN), 'unconfirmed');
  assert.is(one([doc(allow(RUN, { Resource: 'arn:aws:ec2:*:*:instance/*' }))], RUN), 'unconfirmed');
  assert.is(one([doc({ Effect: 'Allow', Action: RUN, NotResource: 'arn:aws:ec2:*:*:volume/*' })], RUN), 'unconfirmed');
  assert.is(one([doc(allow(RUN), deny(RUN, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))], RUN), 'unconfirmed', 'a conditional Deny may deny');
  assert.is(one([doc(allow(RUN), deny(RUN, { Resource: ['arn:aws:ec2:*:*:instance/*'] }))], RUN), 'unconfirmed');
  assert.is(one([doc(allow(RUN, { Resource: ['*'], Condition: {} }))], RUN), 'allowed', 'an empty Condition is no condition');
});

test('statements as one object or a list; unknown shapes are ignored, never allowing', () => {
  assert.is(one([{ Statement: allow(RUN) }], RUN), 'allowed');
  assert.is(one([{ Statement: [{ Effect: 'allow', Action: RUN, Resource: '*' }] }], RUN), 'missing', 'Effect is case-sensitive in IAM');
  assert.is(one([{ Statement: [null, 3, 'x', { Effect: 'Allow' }] }], RUN), 'missing');
  assert.is(one([{}], RUN), 'missing');
});

test('an unreadable document makes every action "cannot confirm"', () => {
  assert.is(one([UNREADABLE_POLICY], RUN), 'unconfirmed');
  assert.is(one([doc(allow('*')), UNREADABLE_POLICY], RUN), 'unconfirmed');
  assert.is(one([doc(deny('*')), UNREADABLE_POLICY], RUN), 'missing');
});

test('documents as IAM returns them: URL-encoded JSON (and plain JSON)', () => {
  const policy = doc(allow(['ec2:*', "s3:Get'Object*"]));
  const encoded = encodeURIComponent(JSON.stringify(policy)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  assert.equal(decodePolicyDocument(encoded), policy);
  assert.equal(decodePolicyDocument(JSON.stringify(policy)), policy);
  assert.throws(() => decodePolicyDocument('%E0%A4%A'), /URL-encoded/);
  assert.throws(() => decodePolicyDocument('%5B1%5D'), /not a JSON object/);
});

// ---- properties ----

const service = fc.constantFrom('ec2', 's3', 'iam', 'EC2');
const name = fc.stringMatching(/^[A-Za-z]{1,12}$/);
const action = fc.tuple(service, name).map(([s, n]) => `${s}:${n}`);
/** a pattern that may or may not match anything in particular */
const pattern = fc.oneof(action, fc.tuple(service, fc.stringMatching(/^[A-Za-z?*]{0,6}$/)).map(([s, n]) => `${s}:${n}`), fc.constant('*'));
const statement: fc.Arbitrary<PolicyStatement> = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  patterns: fc.array(pattern, { minLength: 1, maxLength: 3 }),
  not: fc.boolean(),
  conditional: fc.boolean(),
}).map(({ Effect, patterns, not, conditional }) => ({
  Effect, [not ? 'NotAction' : 'Action']: patterns, Resource: '*', ...(conditional ? { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } } : {}),
}));
const policies = fc.array(fc.array(statement, { maxLength: 4 }).map((s) => doc(...s)), { maxLength: 3 });

/** `a` turned into a pattern that matches it: some characters become ?, a tail becomes * */
const matchingPattern = (a: string, holes: number[], cut: number) => {
  const chars = [...a];
  for (const h of holes) if (h < chars.length && chars[h] !== ':') chars[h] = '?';
  const keep = Math.max(1, Math.min(chars.length, cut));
  return keep < chars.length ? `${chars.slice(0, keep).join('')}*` : chars.join('');
};

test('property: an unconditional Deny of the action (or a pattern matching it) always makes it missing', () => {
  fc.assert(fc.property(policies, action, fc.array(fc.nat(20)), fc.nat(30), (docs, a, holes, cut) => {
    assert.is(one([...docs, doc(deny(matchingPattern(a, holes, cut)))], a), 'missing');
  }));
});

test('property: an unconditional Allow of a pattern matching the action, with no Deny anywhere, makes it allowed', () => {
  fc.assert(fc.property(policies, action, fc.array(fc.nat(20)), fc.nat(30), (docs, a, holes, cut) => {
    const allowsOnly = docs.map((d) => doc(...(d.Statement as PolicyStatement[]).filter((s) => s.Effect === 'Allow')));
    assert.is(one([...allowsOnly, doc(allow(matchingPattern(a, holes, cut)))], a), 'allowed');
  }));
});

test('property: case changes of the action or the policy never change the verdict', () => {
  fc.assert(fc.property(policies, action, (docs, a) => {
    const upper = JSON.parse(JSON.stringify(docs).replace(/"(ec2|s3|iam|EC2):[^"]*"/gi, (m) => m.toUpperCase())) as PolicyDocument[];
    assert.is(one(upper, a.toLowerCase()), one(docs, a));
  }));
});

test('property: more Allow statements never take a permission away; more Deny statements never grant one', () => {
  const rank = { missing: 0, unconfirmed: 1, allowed: 2 } as const;
  fc.assert(fc.property(policies, statement, action, (docs, extra, a) => {
    const before = rank[one(docs, a)!];
    const after = rank[one([...docs, doc(extra)], a)!];
    if (extra.Effect === 'Allow') assert.ok(after >= before, `${JSON.stringify(extra)} took ${a} away`);
    else assert.ok(after <= before, `${JSON.stringify(extra)} granted ${a}`);
  }));
});

test('property: a conditional statement alone never makes an action missing that was allowed, nor allowed', () => {
  fc.assert(fc.property(action, (a) => {
    assert.is(one([doc(allow(a, { Condition: { Bool: { x: 'y' } } }))], a), 'unconfirmed');
  }));
});

test('property: NotAction is the complement of Action', () => {
  fc.assert(fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), action, (patterns, a) => {
    const covered = one([doc(allow(patterns))], a) === 'allowed';
    assert.is(one([doc({ Effect: 'Allow', NotAction: patterns, Resource: '*' })], a) === 'allowed', !covered);
  }));
});

test('property: the pattern matcher agrees with a direct reading of * and ?', () => {
  const matches = (p: string, s: string): boolean => {
    if (p === '') return s === '';
    if (p[0] === '*') return matches(p.slice(1), s) || (s !== '' && matches(p, s.slice(1)));
    return s !== '' && (p[0] === '?' || p[0]!.toLowerCase() === s[0]!.toLowerCase()) && matches(p.slice(1), s.slice(1));
  };
  fc.assert(fc.property(fc.stringMatching(/^[a-c?*.:]{0,6}$/), fc.stringMatching(/^[a-cA-C.:]{0,6}$/), (p, s) => {
    assert.is(actionPattern(p).test(s), matches(p, s), `${p} vs ${s}`);
  }));
});

test.run();
