// The AWS permission check: with the role's own temporary credentials (from AssumeRole), read the
// role's attached managed policies (each one's default version) and its inline policies, and
// evaluate the required actions against them. The reads need iam:ListAttachedRolePolicies,
// iam:GetPolicy, iam:GetPolicyVersion, iam:ListRolePolicies and iam:GetRolePolicy on the role;
// a denied read is reported as that permission missing (checkAccount's call does it).
//
// Calls, all on the IAM bucket: 1 ListAttachedRolePolicies + 2 per attached policy (GetPolicy
// for the default version id, GetPolicyVersion) + 1 ListRolePolicies + 1 per inline policy; one
// more per page beyond the first of either list. Sequential, so a denied read is always the
// first one in this order and the reported permission does not depend on timing.
import {
  GetPolicyCommand, GetPolicyVersionCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { AvailableOutcome, PermissionCall, PermissionVerdict, TemporaryCredentials } from '../types.ts';
import { toPermissionVerdict } from './verdict.ts';
import { decodePolicyDocument, evaluateActions, UNREADABLE_POLICY, type PolicyDocument } from './iam-policy.ts';

export interface AwsPermissionOptions {
  /** IAM is global; its SDK client still wants a region to sign with */
  region: string;
  /** IAM endpoint (an emulator's); default the SDK's */
  endpoint?: string;
}

/** The role name of arn:aws:iam::123456789012:role/path/name. */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

function readable(encoded: string | undefined): PolicyDocument {
  try {
    return decodePolicyDocument(encoded ?? '');
  } catch {
    return UNREADABLE_POLICY;
  }
}

async function roleDocuments(client: IAMClient, roleName: string, call: PermissionCall): Promise<PolicyDocument[]> {
  const documents: PolicyDocument[] = [];
  let marker: string | undefined;
  const attached: string[] = [];
  do {
    const page = await call('iam', 'iam:ListAttachedRolePolicies', (abortSignal) =>
      client.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }), { abortSignal }));
    for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) attached.push(policy.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  for (const policyArn of attached) {
    const policy = await call('iam', 'iam:GetPolicy', (abortSignal) => client.send(new GetPolicyCommand({ PolicyArn: policyArn }), { abortSignal }));
    const versionId = policy.Policy?.DefaultVersionId;
    if (!versionId) {
      documents.push(UNREADABLE_POLICY);
      continue;
    }
    const version = await call('iam', 'iam:GetPolicyVersion', (abortSignal) =>
      client.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }), { abortSignal }));
    documents.push(readable(version.PolicyVersion?.Document));
  }
  const inline: string[] = [];
  do {
    const page = await call('iam', 'iam:ListRolePolicies', (abortSignal) =>
      client.send(new ListRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }), { abortSignal }));
    inline.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  for (const policyName of inline) {
    const policy = await call('iam', 'iam:GetRolePolicy', (abortSignal) =>
      client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }), { abortSignal }));
    documents.push(readable(policy.PolicyDocument));
  }
  return documents;
}

/** The `permissions` part of the AWS checker. */
export function awsPermissionCheck(options: AwsPermissionOptions) {
  return async (roleArn: string, reachable: AvailableOutcome, required: readonly string[], call: PermissionCall): Promise<PermissionVerdict> => {
    const credentials: TemporaryCredentials | undefined = reachable.credentials;
    if (!credentials) throw new Error('AssumeRole returned no credentials');
    const client = new IAMClient({
      region: options.region,
      credentials,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // we retry ourselves, through the rate limiter
      maxAttempts: 1,
      defaultsMode: 'legacy',
    });
    try {
      return toPermissionVerdict(evaluateActions(await roleDocuments(client, roleNameOf(roleArn), call), required));
    } finally {
      client.destroy();
    }
  };
}
