// Azure emulator over HTTPS with a self-signed certificate generated at start (`selfsigned`):
// the Entra ID (AAD) v2.0 endpoints MSAL uses for the client-credentials flow (OpenID
// configuration + token endpoint) and ARM's GET /subscriptions/{id}, with ARM's JSON errors.
// The account key for modes is the subscription id.
// GET /subscriptions/{id}/providers/Microsoft.Authorization/permissions answers the permission
// check: what our roles allow there (Contributor's actions/notActions unless setPermissions says
// otherwise), with its own Behaviour (`permissions`) for modes.
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { generate } from 'selfsigned';
import { Behaviour, type BehaviourOptions, type ModeSpec } from './behaviour.ts';
import { readBody, sendJson, startServer, type RunningServer } from './http-server.ts';

export interface AzureEmulatorOptions extends BehaviourOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** seconds in the Retry-After header of a throttle reply; default 5 */
  retryAfterSec?: number;
}

export interface AzureEmulator extends RunningServer {
  /** PEM certificate to trust (pass as tlsOptions.ca) */
  ca: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  calls: Behaviour['calls'];
  /** token requests served, by outcome */
  tokenCalls: { issued: number; rejected: number };
  behaviour: Behaviour;
  setMode(subscriptionId: string, mode: ModeSpec): void;
  /** the permissions list: modes per subscription id, and call counts apart from the subscription read */
  permissions: Behaviour;
  /** the entries of the subscription's permissions list */
  setPermissions(subscriptionId: string, entries: readonly AzurePermissionEntry[]): void;
}

export interface AzurePermissionEntry {
  actions: string[];
  notActions: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

/** The built-in Contributor role's permissions: what a subscription without a list grants us. */
export const CONTRIBUTOR: readonly AzurePermissionEntry[] = [{
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action', 'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete'],
}];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const behaviour = new Behaviour(options);
  const permissions = new Behaviour({ latencyMs: options.latencyMs ?? 0 });
  const permissionLists = new Map<string, readonly AzurePermissionEntry[]>();
  const tenantId = options.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? randomBytes(12).toString('base64url');
  const retryAfterSec = options.retryAfterSec ?? 5;
  const objectId = randomUUID();
  const tokens = new Set<string>();
  const tokenCalls = { issued: 0, rejected: 0 };
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  let baseUrl = '';

  const aadError = (res: http.ServerResponse, status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
  const armError = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error: { code, message } }, { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID(), ...headers });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;

    const openId = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && openId) {
      const tenant = openId[1] ?? '';
      return sendJson(res, 200, {
        token_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${baseUrl}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${baseUrl}/${tenant}/v2.0`,
        authorization_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
      });
    }

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && token) {
      const form = new URLSearchParams(await readBody(req));
      if (token[1] !== tenantId) {
        tokenCalls.rejected++;
        return aadError(res, 400, 'invalid_request', `AADSTS90002: Tenant '${token[1]}' not found.`);
      }
      if (form.get('grant_type') !== 'client_credentials') {
        tokenCalls.rejected++;
        return aadError(res, 400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
      }
      if (form.get('client_id') !== clientId) {
        tokenCalls.rejected++;
        return aadError(res, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`);
      }
      if (form.get('client_secret') !== clientSecret) {
        tokenCalls.rejected++;
        return aadError(res, 401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      }
      const accessToken = `emulated.${randomBytes(24).toString('base64url')}`;
      tokens.add(accessToken);
      tokenCalls.issued++;
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }

    const permissionList = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/permissions$/i.exec(path);
    if (req.method === 'GET' && permissionList) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !tokens.has(bearer)) return armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      if (!url.searchParams.get('api-version')) return armError(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      const id = decodeURIComponent(permissionList[1] ?? '').toLowerCase();
      switch (await permissions.decide(id)) {
        case 'ok': return sendJson(res, 200, { value: (permissionLists.get(id) ?? CONTRIBUTOR).map((e) => ({ dataActions: [], notDataActions: [], ...e })) });
        case 'denied':
        case 'not-found':
          return armError(res, 403, 'AuthorizationFailed', `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Authorization/permissions/read' over scope '/subscriptions/${id}' or the scope is invalid.`);
        case 'throttled':
          return armError(res, 429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${id}' actor '${objectId}' exceeded. Please try again after '${retryAfterSec}' seconds after the last request.`, { 'retry-after': String(retryAfterSec) });
        case 'server-error':
          return armError(res, 503, 'ServiceUnavailable', 'The server is currently unable to handle the request due to a temporary overloading or maintenance.');
      }
    }

    const subscription = /^\/subscriptions\/([^/]+)\/?$/.exec(path);
    if (req.method === 'GET' && subscription) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) return armError(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", { 'www-authenticate': `Bearer authorization_uri="${baseUrl}/${tenantId}", error="invalid_token"` });
      if (!tokens.has(bearer)) return armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      if (!url.searchParams.get('api-version')) return armError(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      const id = decodeURIComponent(subscription[1] ?? '');
      if (!UUID.test(id)) return armError(res, 400, 'InvalidSubscriptionId', `The provided subscription identifier '${id}' is malformed or invalid.`);
      switch (await behaviour.decide(id.toLowerCase())) {
        case 'ok':
          return sendJson(res, 200, {
            id: `/subscriptions/${id}`,
            authorizationSource: 'RoleBased',
            managedByTenants: [{ tenantId }],
            subscriptionId: id,
            tenantId: randomUUID(),
            displayName: 'Emulated subscription',
            state: 'Enabled',
            subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
          }, { 'x-ms-ratelimit-remaining-subscription-reads': '11999' });
        case 'denied':
          return armError(res, 403, 'AuthorizationFailed', `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
        case 'not-found':
          return armError(res, 404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
        case 'throttled':
          return armError(res, 429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${id}' actor '${objectId}' exceeded. Please try again after '${retryAfterSec}' seconds after the last request.`, { 'retry-after': String(retryAfterSec) });
        case 'server-error':
          return armError(res, 503, 'ServiceUnavailable', 'The server is currently unable to handle the request due to a temporary overloading or maintenance.');
      }
    }
    return armError(res, 404, 'InvalidResourceType', `The resource type could not be found for ${req.method ?? ''} ${path}.`);
  }

  const server = await startServer(handle, { tls: { key: pems.private, cert: pems.cert } });
  baseUrl = server.url;
  return {
    ...server, ca: pems.cert, tenantId, clientId, clientSecret, calls: behaviour.calls, tokenCalls, behaviour,
    setMode: (id, mode) => behaviour.setMode(id.toLowerCase(), mode),
    permissions,
    setPermissions: (id, entries) => permissionLists.set(id.toLowerCase(), entries),
  };
}
