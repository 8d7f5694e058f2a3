// Azure check: our service principal reads the customer's subscription (GET /subscriptions/{id}),
// which works when the subscription is delegated to us (Azure Lighthouse) with a reader role.
import { ClientSecretCredential } from '@azure/identity';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { AVAILABLE, classifyError } from './classify.ts';
import { InvalidAccountRefError, type CheckOutcome, type Checker } from './types.ts';

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
  };
}
