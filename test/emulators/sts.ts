// AWS STS emulator: the Query protocol as @aws-sdk/client-sts speaks it (POST form body
// Action=AssumeRole&Version=2011-06-15&RoleArn=…, SigV4 Authorization header), XML responses and
// XML ErrorResponse documents with STS's real codes. The account key for modes is the role ARN.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Behaviour, type BehaviourOptions, type ModeSpec } from './behaviour.ts';
import { readBody, sendText, startServer, type RunningServer } from './http-server.ts';

export interface StsEmulatorOptions extends BehaviourOptions {
  /** the only access key id the emulator accepts; default AKIAEMULATOR0000000 */
  accessKeyId?: string;
}

export interface StsEmulator extends RunningServer {
  calls: Behaviour['calls'];
  behaviour: Behaviour;
  accessKeyId: string;
  setMode(roleArn: string, mode: ModeSpec): void;
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
// IAM's constraint on RoleArn as STS validates it (length 20–2048) plus the ARN shape.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}

function assumeRoleXml(roleArn: string, sessionName: string, requestId: string): string {
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
      <AccessKeyId>ASIAEMULATOR${randomUUID().slice(0, 8).toUpperCase()}</AccessKeyId>
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

export async function startStsEmulator(options: StsEmulatorOptions = {}): Promise<StsEmulator> {
  const behaviour = new Behaviour(options);
  const accessKeyId = options.accessKeyId ?? 'AKIAEMULATOR0000000';

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const reply = (status: number, xml: string) => sendText(res, status, 'text/xml', xml, { 'x-amzn-requestid': requestId });
    if (req.method !== 'POST') return reply(400, errorXml('Sender', 'InvalidAction', 'Only POST is supported by the emulator', requestId));
    const form = new URLSearchParams(await readBody(req));
    // SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=…, Signature=…"
    const credential = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (!credential) return reply(403, errorXml('Sender', 'MissingAuthenticationToken', 'Request is missing Authentication Token', requestId));
    if (credential !== accessKeyId) return reply(403, errorXml('Sender', 'InvalidClientTokenId', 'The security token included in the request is invalid.', requestId));
    if (form.get('Action') !== 'AssumeRole') return reply(400, errorXml('Sender', 'InvalidAction', `Could not find operation ${form.get('Action') ?? ''} for version ${form.get('Version') ?? ''}`, requestId));
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!ROLE_ARN.test(roleArn)) {
      return reply(400, errorXml('Sender', 'ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+`, requestId));
    }
    switch (await behaviour.decide(roleArn)) {
      case 'ok': return reply(200, assumeRoleXml(roleArn, sessionName, requestId));
      // STS answers AccessDenied both when the trust policy does not name us and when the role does not exist.
      case 'denied':
      case 'not-found':
        return reply(403, errorXml('Sender', 'AccessDenied', `User: arn:aws:iam::111122223333:user/availability-check is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, requestId));
      case 'throttled': return reply(400, errorXml('Sender', 'Throttling', 'Rate exceeded', requestId));
      case 'server-error': return reply(500, errorXml('Receiver', 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId));
    }
  }

  const server = await startServer(handle);
  return { ...server, calls: behaviour.calls, behaviour, accessKeyId, setMode: (arn, mode) => behaviour.setMode(arn, mode) };
}
