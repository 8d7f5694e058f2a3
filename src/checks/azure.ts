// Azure check: our service principal reads the customer's subscription (GET /subscriptions/{id}),
// which works when the subscription is delegated to us (Azure Lighthouse) with a reader role.
// The permission check then lists what our roles allow at the subscription scope
// (Microsoft.Authorization/permissions, through the same authenticated pipeline) and evaluates
// the required operations against it (permissions/azure-permissions.ts).
import { ClientSecretCredential } from '@azure/identity';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { evaluateAzurePermissions, type AzurePermission } from './permissions/azure-permissions.ts';
import { toPermissionVerdict } from './permissions/verdict.ts';
import { AVAILABLE, classifyError } from './classify.ts';
import { InvalidAccountRefError, type CheckOutcome, type Checker, type PermissionVerdict } from './types.ts';

export interface AzureCheckerOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Entra ID authority host; default https://login.microsoftonline.com */
  authorityHost?: string;
  /** ARM endpoint; default https://management.azure.com */
  armEndpoint?: string;
  /**
   * PEM CA certificate(s) to trust for both endpoints, e.g. an emulator's self-signed one. This
   * REPLACES the default trust store for these clients, so leave it unset against the real cloud.
   */
  ca?: string | string[];
}

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws InvalidAccountRefError unless `value` is a subscription id (a UUID). */
export function assertSubscriptionId(value: string): void {
  if (!SUBSCRIPTION_ID.test(value)) throw new InvalidAccountRefError('azure', value, 'a subscription id (UUID)');
}

function httpsUrl(name: string, value: string): string {
  let url: URL;
  try { url = new URL(value); } catch { throw new TypeError(`Azure checker: ${name} is not a URL: ${JSON.stringify(value)}`); }
  // Bearer tokens and client secrets never travel in clear text, emulator or not.
  if (url.protocol !== 'https:') throw new TypeError(`Azure checker: ${name} must be an https:// URL, got ${value}`);
  return value.replace(/\/+$/, '');
}

function required(name: string, value: string | undefined): string {
  if (!value) throw new TypeError(`Azure checker: ${name} is required`);
  return value;
}

/**
 * @example
 *   const azure = createAzureChecker({ tenantId, clientId, clientSecret });
 *   await azure.check('00000000-0000-0000-0000-000000000000', AbortSignal.timeout(5000));
 */
export function createAzureChecker(options: AzureCheckerOptions): Checker {
  const authorityHost = httpsUrl('authorityHost', options.authorityHost ?? 'https://login.microsoftonline.com');
  const endpoint = httpsUrl('armEndpoint', options.armEndpoint ?? 'https://management.azure.com');
  // The pipeline option is `tlsOptions` (PipelineOptions in @azure/core-rest-pipeline); it becomes
  // the per-request `tlsSettings` that the Node HTTP client turns into an https.Agent with this CA.
  const tls = options.ca ? { tlsOptions: { ca: options.ca } } : {};
  // We retry ourselves, through the rate limiter.
  const retryOptions = { maxRetries: 0 };
  const credential = new ClientSecretCredential(
    required('tenantId', options.tenantId),
    required('clientId', options.clientId),
    required('clientSecret', options.clientSecret),
    // No instance discovery: MSAL would otherwise ask login.microsoftonline.com about the authority.
    { authorityHost, disableInstanceDiscovery: true, retryOptions, ...tls },
  );
  const client = new SubscriptionClient(credential, { endpoint, retryOptions, ...tls });

  /** One page of the permissions list; a non-200 reply throws a RestError with ARM's code, as the SDK does. */
  async function permissionsPage(url: string, abortSignal: AbortSignal): Promise<{ value: AzurePermission[]; nextLink: string | undefined }> {
    const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET', abortSignal }));
    let body: { value?: unknown; nextLink?: unknown; error?: { code?: unknown; message?: unknown } } = {};
    try {
      body = JSON.parse(response.bodyAsText ?? '{}') as typeof body;
    } catch {
      // a body that is not JSON: the status decides below
    }
    if (response.status !== 200) {
      const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
      throw new RestError(typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`, { statusCode: response.status, response, ...(code ? { code } : {}) });
    }
    const nextLink = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
    // ARM's nextLink is absolute; only follow it on the endpoint we talk to (tokens go nowhere else)
    if (nextLink !== undefined && !nextLink.startsWith(`${endpoint}/`)) throw new Error(`permissions nextLink outside ${endpoint}`);
    return { value: Array.isArray(body.value) ? (body.value as AzurePermission[]) : [], nextLink };
  }

  return {
    provider: 'azure',
    async check(subscriptionId: string, signal: AbortSignal): Promise<CheckOutcome> {
      try {
        assertSubscriptionId(subscriptionId);
        await client.subscriptions.get(subscriptionId, { abortSignal: signal });
        return AVAILABLE;
      } catch (err) {
        return classifyError('azure', subscriptionId, err);
      }
    },
    async permissions(subscriptionId, _reachable, required, call): Promise<PermissionVerdict> {
      const entries: AzurePermission[] = [];
      let url: string | undefined = `${endpoint}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`;
      while (url !== undefined) {
        const pageUrl: string = url;
        const page = await call('azure', 'Microsoft.Authorization/permissions/read', (signal) => permissionsPage(pageUrl, signal));
        entries.push(...page.value);
        url = page.nextLink;
      }
      return toPermissionVerdict(evaluateAzurePermissions(entries, required));
    },
  };
}
