// GCP Resource Manager v3 emulator over plain HTTP, as the REST transport of
// @google-cloud/resource-manager (fallback: true) calls it: GET /v3/projects/{id}?$alt=json;enum-encoding=int
// with a self-signed service-account JWT as the bearer token, which the emulator verifies with
// the service account's public key. Errors are Google's JSON error envelope
// ({"error":{"code","message","status","details"}}). The account key for modes is the project id.
// POST /v3/projects/{id}:testIamPermissions answers the permission check: the asked permissions
// we hold (all, unless setGranted says otherwise), with its own Behaviour (`iam`) for modes.
import { createPublicKey, generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import type http from 'node:http';
import { Behaviour, type BehaviourOptions, type ModeSpec } from './behaviour.ts';
import { readBody, sendJson, startServer, type RunningServer } from './http-server.ts';

export interface GcpEmulatorOptions extends BehaviourOptions {
  clientEmail?: string;
}

/** The fields of a service-account key file that the checker needs. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id: string;
}

export interface GcpEmulator extends RunningServer {
  /** host and port for the client's apiEndpoint/port options */
  host: string;
  serviceAccount: ServiceAccountKey;
  calls: Behaviour['calls'];
  /** requests refused before the account was looked at (bad or missing token) */
  unauthenticated: number;
  behaviour: Behaviour;
  setMode(projectId: string, mode: ModeSpec): void;
  /** testIamPermissions: modes per project id, and call counts apart from projects.get */
  iam: Behaviour;
  /** the permissions we hold on the project; a project without a list holds every permission asked */
  setGranted(projectId: string, permissions: readonly string[]): void;
}

const SERVICE = 'cloudresourcemanager.googleapis.com';

function googleError(res: http.ServerResponse, code: number, status: string, message: string, details: unknown[] = []): void {
  sendJson(res, code, { error: { code, message, status, details } });
}

function errorInfo(reason: string, metadata: Record<string, string>) {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: SERVICE, ...metadata } };
}

export async function startGcpEmulator(options: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
  const behaviour = new Behaviour(options);
  const iam = new Behaviour({ latencyMs: options.latencyMs ?? 0 });
  const grants = new Map<string, ReadonlySet<string>>();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccount: ServiceAccountKey = {
    client_email: options.clientEmail ?? 'availability-check@emulated-consumer.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    private_key_id: randomUUID().replace(/-/g, ''),
  };
  const verifier = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
  let unauthenticated = 0;

  /** A self-signed JWT (RS256) from our service account, unexpired. */
  function validToken(header: string | undefined): boolean {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const [h, p, s] = token?.split('.') ?? [];
    if (!h || !p || !s) return false;
    try {
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: string; exp?: number };
      const signed = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), verifier, Buffer.from(s, 'base64url'));
      return signed && claims.iss === serviceAccount.client_email && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
    } catch {
      return false;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const test = /^\/v3\/projects\/([^/:]+):testIamPermissions$/.exec(url.pathname);
    if (req.method === 'POST' && test) {
      if (!validToken(req.headers.authorization)) {
        unauthenticated++;
        return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', {})]);
      }
      const projectId = decodeURIComponent(test[1] ?? '');
      const body = JSON.parse(await readBody(req) || '{}') as { permissions?: unknown };
      const asked = Array.isArray(body.permissions) ? body.permissions.filter((p): p is string => typeof p === 'string') : [];
      if (asked.length > 100) return googleError(res, 400, 'INVALID_ARGUMENT', 'The number of permissions requested must be at most 100.');
      switch (await iam.decide(projectId)) {
        case 'ok': {
          const held = grants.get(projectId);
          return sendJson(res, 200, { permissions: held ? asked.filter((p) => held.has(p)) : asked });
        }
        case 'denied':
        case 'not-found':
          return googleError(res, 403, 'PERMISSION_DENIED', `The caller does not have permission on projects/${projectId}`, [errorInfo('IAM_PERMISSION_DENIED', { resource: `projects/${projectId}` })]);
        case 'throttled':
          return googleError(res, 429, 'RESOURCE_EXHAUSTED', `Quota exceeded for quota metric 'Read requests' of service '${SERVICE}'.`, [errorInfo('RATE_LIMIT_EXCEEDED', { quota_metric: `${SERVICE}/read_requests` })]);
        case 'server-error':
          return googleError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.');
      }
    }
    const match = /^\/v3\/projects\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return googleError(res, 404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
    if (!validToken(req.headers.authorization)) {
      unauthenticated++;
      return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', {})]);
    }
    const projectId = decodeURIComponent(match[1] ?? '');
    const resource = `projects/${projectId}`;
    switch (await behaviour.decide(projectId)) {
      case 'ok':
        return sendJson(res, 200, {
          name: /^\d+$/.test(projectId) ? resource : 'projects/415104041262',
          parent: 'organizations/433637338589',
          projectId: /^\d+$/.test(projectId) ? 'emulated-project' : projectId,
          state: 1, // ACTIVE, as enum-encoding=int asks
          displayName: projectId,
          createTime: '2023-03-01T10:00:00.000Z',
          updateTime: '2023-03-01T10:00:00.000Z',
          etag: 'W/"0f5c8d2a3b1e4f6a"',
        });
      case 'denied':
        return googleError(res, 403, 'PERMISSION_DENIED', `Permission 'resourcemanager.projects.get' denied on resource '//cloudresourcemanager.googleapis.com/${resource}' (or it may not exist).`, [errorInfo('IAM_PERMISSION_DENIED', { permission: 'resourcemanager.projects.get', resource })]);
      case 'not-found':
        return googleError(res, 404, 'NOT_FOUND', `Project '${resource}' not found or permission denied.`);
      case 'throttled':
        return googleError(res, 429, 'RESOURCE_EXHAUSTED', `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service '${SERVICE}' for consumer 'project_number:415104041262'.`, [errorInfo('RATE_LIMIT_EXCEEDED', { quota_metric: `${SERVICE}/read_requests`, quota_limit: 'ReadRequestsPerMinutePerProject' })]);
      case 'server-error':
        return googleError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.');
    }
  }

  const server = await startServer(handle);
  return {
    ...server,
    host: '127.0.0.1',
    serviceAccount,
    calls: behaviour.calls,
    get unauthenticated() { return unauthenticated; },
    behaviour,
    setMode: (projectId, mode) => behaviour.setMode(projectId, mode),
    iam,
    setGranted: (projectId, permissions) => grants.set(projectId, new Set(permissions)),
  };
}
