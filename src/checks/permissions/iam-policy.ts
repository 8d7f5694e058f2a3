// What a set of IAM identity policies grants, for the permission check: pure, no I/O.
//
// IAM's rules for identity policies, as far as an answer without a request context can go:
// an action is allowed when some statement allows it and no statement denies it (an explicit Deny
// wins); `Action` lists what a statement covers, `NotAction` everything except what it lists;
// `*` matches any run of characters and `?` one character; action names compare case-insensitively.
// A statement with a `Condition`, a `Resource` other than `*`, or a `NotResource` applies only to
// some requests. We cannot tell which, so such a statement can make an action "cannot confirm",
// never "missing": telling a customer a permission is gone when it may not be is worse than not
// telling them.

import type { ActionGrant } from './verdict.ts';

/** One statement as IAM stores it; every field is optional and may be a string or a list. */
export interface PolicyStatement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export interface PolicyDocument {
  Statement?: unknown;
}

interface Rule {
  effect: 'Allow' | 'Deny';
  /** the action patterns, compiled */
  patterns: RegExp[];
  /** NotAction: the rule covers every action that matches none of `patterns` */
  inverted: boolean;
  /** applies to every request (no condition, every resource) */
  unconditional: boolean;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** `ec2:Describe*` → /^ec2:Describe.*$/i; `?` is one character; everything else is literal. */
export function actionPattern(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'is');
}

function everyResource(statement: PolicyStatement): boolean {
  if (statement.NotResource !== undefined) return false;
  const resources = list(statement.Resource);
  return resources.length > 0 && resources.every((r) => r === '*');
}

function toRule(statement: unknown): Rule | undefined {
  if (typeof statement !== 'object' || statement === null) return undefined;
  const s = statement as PolicyStatement;
  const effect = s.Effect === 'Allow' || s.Effect === 'Deny' ? s.Effect : undefined;
  const inverted = s.Action === undefined && s.NotAction !== undefined;
  const patterns = list(inverted ? s.NotAction : s.Action).filter((p): p is string => typeof p === 'string').map(actionPattern);
  if (!effect || (!inverted && patterns.length === 0)) return undefined;
  const hasCondition = s.Condition !== undefined && !(typeof s.Condition === 'object' && s.Condition !== null && Object.keys(s.Condition).length === 0);
  return { effect, patterns, inverted, unconditional: !hasCondition && everyResource(s) };
}

/** The statements of a document, whether `Statement` is one object or a list. */
export function policyRules(documents: readonly PolicyDocument[]): Rule[] {
  return documents.flatMap((doc) => list(doc?.Statement).map(toRule).filter((r): r is Rule => r !== undefined));
}

function covers(rule: Rule, action: string): boolean {
  const matched = rule.patterns.some((p) => p.test(action));
  return rule.inverted ? !matched : matched;
}

/**
 * The verdict for each action under the given identity policies.
 * @example evaluateActions([{ Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] }], ['ec2:RunInstances']) // Map { 'ec2:RunInstances' => 'allowed' }
 */
export function evaluateActions(documents: readonly PolicyDocument[], actions: readonly string[]): Map<string, ActionGrant> {
  const rules = policyRules(documents);
  const verdicts = new Map<string, ActionGrant>();
  for (const action of actions) {
    let allowed = false;
    let maybeAllowed = false;
    let maybeDenied = false;
    let denied = false;
    for (const rule of rules) {
      if (!covers(rule, action)) continue;
      if (rule.effect === 'Deny') {
        if (rule.unconditional) denied = true;
        else maybeDenied = true;
      } else if (rule.unconditional) allowed = true;
      else maybeAllowed = true;
    }
    let verdict: ActionGrant;
    if (denied) verdict = 'missing';
    else if (allowed && !maybeDenied) verdict = 'allowed';
    else if (allowed || maybeAllowed) verdict = 'unconfirmed';
    else verdict = 'missing';
    verdicts.set(action, verdict);
  }
  return verdicts;
}

/**
 * A policy document as IAM returns it from GetPolicyVersion and GetRolePolicy: URL-encoded JSON
 * (RFC 3986). Throws a TypeError naming the problem when it is neither that nor plain JSON.
 */
export function decodePolicyDocument(encoded: string): PolicyDocument {
  let text = encoded;
  if (!text.trimStart().startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new TypeError('policy document is not URL-encoded JSON');
    }
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('policy document is not a JSON object');
  return parsed as PolicyDocument;
}

/**
 * Stands in for a document that cannot be read: it may allow or deny anything, so every action it
 * could touch becomes "cannot confirm", never "missing".
 */
export const UNREADABLE_POLICY: PolicyDocument = Object.freeze({
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Unreadable: {} } },
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Unreadable: {} } },
  ],
});
