// AWS STS emulator: the Query protocol as @aws-sdk/client-sts speaks it (POST form body
// Action=AssumeRole&Version=2011-06-15&RoleArn=…, SigV4 Authorization header), XML responses and
// XML ErrorResponse documents with STS's real codes. The account key for modes is the role ARN.
//
// It also answers the IAM reads of the permission check (same protocol, Version=2010-05-08), signed
// with the temporary keys its AssumeRole handed out: the role's attached managed policies (default
// version documents) and inline policies, documents URL-encoded as IAM returns them. IAM has a
// Behaviour of its own (`iam`: modes per role ARN, call counts apart from STS's, a quota per AWS
// account since the reads are made with the customer's role), and single IAM
// actions can be denied per role (`denyIam`), as when a customer removes iam:GetPolicy.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Behaviour, type BehaviourOptions, type ModeSpec } from './behaviour.ts';
import type { BucketConfig } from './server-bucket.ts';
import { readBody, sendText, startServer, type RunningServer } from './http-server.ts';

export interface StsEmulatorOptions extends BehaviourOptions {
  /** the only access key id the emulator accepts; default AKIAEMULATOR0000000 */
  accessKeyId?: string;
  /** IAM's quota, per AWS account (the reads are made with the customer's role): reads beyond it get IAM's throttle reply */
  iamBucket?: BucketConfig;
}

export interface StsEmulator extends RunningServer {
  /** AssumeRole calls only */
  calls: Behaviour['calls'];
  behaviour: Behaviour;
  /** the IAM reads: modes per role ARN, and their own call counts */
  iam: Behaviour;
  accessKeyId: string;
  setMode(roleArn: string, mode: ModeSpec): void;
  /** the role's policies; a role without any set has one attached policy allowing everything */
  setRolePolicies(roleArn: string, policies: RolePolicies): void;
  /** IAM answers AccessDenied to this role's session for `action` (e.g. 'iam:GetPolicy') */
  denyIam(roleArn: string, action: string): void;
}

export interface ManagedPolicy {
  arn: string;
  /** the default version's document */
  document: unknown;
}

export interface RolePolicies {
  attached: ManagedPolicy[];
  /** name → document */
  inline: Record<string, unknown>;
}

/** What a role without configured policies gets: everything allowed. */
export const FULL_ACCESS: RolePolicies = {
  attached: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
  inline: {},
};

const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const IAM_ACTIONS = new Set(['ListAttachedRolePolicies', 'GetPolicy', 'GetPolicyVersion', 'ListRolePolicies', 'GetRolePolicy']);
const DEFAULT_VERSION = 'v3';

/** RFC 3986 percent-encoding, as IAM returns policy documents. */
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
// IAM's constraint on RoleArn as STS validates it (length 20–2048) plus the ARN shape.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}

function assumeRoleXml(roleArn: string, sessionName: string, temporaryKey: string, requestId: string): string {
  const [, , , , account = '000000000000', resource = 'role/unknown'] = roleArn.split(':');
  const roleName = resource.slice(resource.lastIndexOf('/') + 1);
  const expiration = new Date(Date.now() + 900_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `<AssumeRoleResponse xmlns="${XMLNS}">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEMULATOR:${escapeXml(sessionName)}</AssumedRoleId>
      <Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(sessionName)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${temporaryKey}</AccessKeyId>
      <SecretAccessKey>emulated-secret</SecretAccessKey>
      <SessionToken>emulated-session-token</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`;
}

function iamXml(action: string, result: string, requestId: string): string {
  return `<${action}Response xmlns="${IAM_XMLNS}">\n  <${action}Result>\n${result}\n  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
}

const policyName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export async function startStsEmulator(options: StsEmulatorOptions = {}): Promise<StsEmulator> {
  const behaviour = new Behaviour(options);
  const iam = new Behaviour({ latencyMs: options.latencyMs ?? 0, bucketPer: 'quota-key', ...(options.iamBucket ? { bucket: options.iamBucket } : {}) });
  const accessKeyId = options.accessKeyId ?? 'AKIAEMULATOR0000000';
  /** temporary access key id → the role ARN of its session */
  const sessions = new Map<string, string>();
  const roles = new Map<string, RolePolicies>();
  const denied = new Map<string, Set<string>>();

  /** One IAM read by `roleArn`'s own session; the role may only read itself. */
  async function handleIam(action: string, form: URLSearchParams, roleArn: string, requestId: string): Promise<{ status: number; xml: string }> {
    const [, , , , account = '', resource = ''] = roleArn.split(':');
    const roleName = resource.slice(resource.lastIndexOf('/') + 1);
    const sessionArn = `arn:aws:sts::${account}:assumed-role/${roleName}/session`;
    const policies = roles.get(roleArn) ?? FULL_ACCESS;
    // IAM's quota is the role's AWS account's
    const verdict = await iam.decide(roleArn, account);
    if (verdict === 'throttled') return { status: 400, xml: errorXml('Sender', 'Throttling', 'Rate exceeded', requestId) };
    if (verdict === 'server-error') return { status: 500, xml: errorXml('Receiver', 'ServiceFailure', 'Request processing has failed due to an unknown error, exception or failure.', requestId) };
    const target = form.get('PolicyArn') ?? `arn:aws:iam::${account}:role/${form.get('RoleName') ?? ''}`;
    if (verdict === 'denied' || denied.get(roleArn)?.has(`iam:${action}`)) {
      return { status: 403, xml: errorXml('Sender', 'AccessDenied', `User: ${sessionArn} is not authorized to perform: iam:${action} on resource: ${target} because no identity-based policy allows the iam:${action} action`, requestId) };
    }
    const noSuchEntity = (what: string) => ({ status: 404, xml: errorXml('Sender', 'NoSuchEntity', what, requestId) });
    const askedRole = form.get('RoleName');
    if (askedRole !== null && askedRole !== roleName) return noSuchEntity(`The role with name ${askedRole} cannot be found.`);
    const managed = (arn: string | null) => policies.attached.find((p) => p.arn === arn);
    switch (action) {
      case 'ListAttachedRolePolicies': {
        const members = policies.attached.map((p) => `      <member>\n        <PolicyArn>${escapeXml(p.arn)}</PolicyArn>\n        <PolicyName>${escapeXml(policyName(p.arn))}</PolicyName>\n      </member>`).join('\n');
        return { status: 200, xml: iamXml(action, `    <IsTruncated>false</IsTruncated>\n    <AttachedPolicies>\n${members}\n    </AttachedPolicies>`, requestId) };
      }
      case 'GetPolicy': {
        const policy = managed(form.get('PolicyArn'));
        if (!policy) return noSuchEntity(`Policy ${form.get('PolicyArn') ?? ''} does not exist or is not attachable.`);
        return { status: 200, xml: iamXml(action, `    <Policy>\n      <PolicyName>${escapeXml(policyName(policy.arn))}</PolicyName>\n      <DefaultVersionId>${DEFAULT_VERSION}</DefaultVersionId>\n      <PolicyId>ANPAEMULATOR</PolicyId>\n      <Path>/</Path>\n      <Arn>${escapeXml(policy.arn)}</Arn>\n      <AttachmentCount>1</AttachmentCount>\n      <IsAttachable>true</IsAttachable>\n      <CreateDate>2024-01-01T00:00:00Z</CreateDate>\n      <UpdateDate>2024-01-01T00:00:00Z</UpdateDate>\n    </Policy>`, requestId) };
      }
      case 'GetPolicyVersion': {
        const policy = managed(form.get('PolicyArn'));
        if (!policy || form.get('VersionId') !== DEFAULT_VERSION) return noSuchEntity(`Policy ${form.get('PolicyArn') ?? ''} version ${form.get('VersionId') ?? ''} does not exist or is not attachable.`);
        return { status: 200, xml: iamXml(action, `    <PolicyVersion>\n      <Document>${rfc3986(JSON.stringify(policy.document))}</Document>\n      <VersionId>${DEFAULT_VERSION}</VersionId>\n      <IsDefaultVersion>true</IsDefaultVersion>\n      <CreateDate>2024-01-01T00:00:00Z</CreateDate>\n    </PolicyVersion>`, requestId) };
      }
      case 'ListRolePolicies': {
        const members = Object.keys(policies.inline).map((name) => `      <member>${escapeXml(name)}</member>`).join('\n');
        return { status: 200, xml: iamXml(action, `    <IsTruncated>false</IsTruncated>\n    <PolicyNames>\n${members}\n    </PolicyNames>`, requestId) };
      }
      default: {
        const name = form.get('PolicyName') ?? '';
        if (!(name in policies.inline)) return noSuchEntity(`The role policy with name ${name} cannot be found.`);
        return { status: 200, xml: iamXml(action, `    <RoleName>${escapeXml(roleName)}</RoleName>\n    <PolicyName>${escapeXml(name)}</PolicyName>\n    <PolicyDocument>${rfc3986(JSON.stringify(policies.inline[name]))}</PolicyDocument>`, requestId) };
      }
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const reply = (status: number, xml: string) => sendText(res, status, 'text/xml', xml, { 'x-amzn-requestid': requestId });
    if (req.method !== 'POST') return reply(400, errorXml('Sender', 'InvalidAction', 'Only POST is supported by the emulator', requestId));
    const form = new URLSearchParams(await readBody(req));
    // SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=…, Signature=…"
    const credential = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (!credential) return reply(403, errorXml('Sender', 'MissingAuthenticationToken', 'Request is missing Authentication Token', requestId));
    const action = form.get('Action') ?? '';
    if (IAM_ACTIONS.has(action)) {
      const sessionRole = sessions.get(credential);
      if (!sessionRole) return reply(403, errorXml('Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.', requestId));
      const { status, xml } = await handleIam(action, form, sessionRole, requestId);
      return reply(status, xml);
    }
    if (credential !== accessKeyId) return reply(403, errorXml('Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.', requestId));
    if (form.get('Action') !== 'AssumeRole') return reply(400, errorXml('Sender', 'InvalidAction', `Could not find operation ${form.get('Action') ?? ''} for version ${form.get('Version') ?? ''}`, requestId));
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!ROLE_ARN.test(roleArn)) {
      return reply(400, errorXml('Sender', 'ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+`, requestId));
    }
    switch (await behaviour.decide(roleArn)) {
      case 'ok': {
        const temporaryKey = `ASIAEMULATOR${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
        sessions.set(temporaryKey, roleArn);
        return reply(200, assumeRoleXml(roleArn, sessionName, temporaryKey, requestId));
      }
      // STS answers AccessDenied both when the trust policy does not name us and when the role does not exist.
      case 'denied':
      case 'not-found':
        return reply(403, errorXml('Sender', 'AccessDenied', `User: arn:aws:iam::111122223333:user/availability-check is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, requestId));
      case 'throttled': return reply(400, errorXml('Sender', 'Throttling', 'Rate exceeded', requestId));
      case 'server-error': return reply(500, errorXml('Receiver', 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId));
    }
  }

  const server = await startServer(handle);
  return {
    ...server, calls: behaviour.calls, behaviour, iam, accessKeyId,
    setMode: (arn, mode) => behaviour.setMode(arn, mode),
    setRolePolicies: (arn, policies) => roles.set(arn, policies),
    denyIam: (arn, action) => denied.set(arn, new Set([...(denied.get(arn) ?? []), action])),
  };
}
