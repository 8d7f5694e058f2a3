// `availability-check check aws|azure|gcp ACCOUNT`: one check of one account with the configured
// identity, exactly as the worker runs it (rate limiter, retries, the permission check), printed
// for a person: the outcome, its classification, the status Sources would get, the missing and
// unconfirmed permissions, and the cloud calls it took. The first thing support runs when a
// customer asks "why is my source unavailable?". Nothing is sent to Sources, nothing is cached.
//
// Exit status: 0 available, 1 unavailable (any definitive no), 3 no definitive answer (transient),
// 2 usage or configuration error.
import { checkAccount, createCheckers, toApplicationStatus, type CheckOutcome } from '../checks/index.ts';
import { ConfigError, loadConfig } from '../config/index.ts';
import type { Provider } from '../domain/types.ts';
import { CheckLimiter } from '../ratelimit/index.ts';
import { checkersFromConfig, limitsFromConfig } from '../worker/wire-services.ts';

const PROVIDERS: readonly Provider[] = ['aws', 'azure', 'gcp'];
const IDENTITY_VARIABLES: Record<Provider, string> = {
  aws: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  azure: 'AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET',
  gcp: 'GCP_CREDENTIALS_FILE',
};

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '(none)');

/** The lines printed for one outcome. */
export function describeOutcome(provider: Provider, account: string, outcome: CheckOutcome, missingStatus: 'unavailable' | 'partially_available', calls: number, permissionCheck: boolean): string[] {
  const status = toApplicationStatus('0', outcome, missingStatus);
  const lines = [
    `${provider} ${account}`,
    `outcome:         ${outcome.kind}${outcome.kind === 'unavailable' ? ` (${outcome.code})` : ''}`,
    `sent to Sources: ${status ? `${status.status}${status.error ? ` "${status.error}"` : ''}` : 'nothing (no definitive answer: retried later)'}`,
  ];
  if (outcome.kind === 'transient') lines.push(`reason:          ${outcome.reason}${outcome.throttled ? ' (throttled)' : ''}`);
  lines.push(`permission check: ${permissionCheck ? 'on' : 'off (PERMISSION_CHECK)'}`);
  if (permissionCheck) {
    lines.push(`missing:         ${list(outcome.kind === 'unavailable' ? outcome.missing : undefined)}`);
    lines.push(`cannot confirm:  ${list(outcome.kind === 'available' ? outcome.unconfirmed : undefined)}`);
  }
  lines.push(`cloud calls:     ${calls}`);
  return lines;
}

export async function checkCommand(args: string[]): Promise<number> {
  const [provider, account, ...rest] = args;
  if (!PROVIDERS.includes(provider as Provider) || !account || rest.length > 0) {
    console.error('usage: availability-check check aws|azure|gcp ACCOUNT');
    return 2;
  }
  const cloud = provider as Provider;
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 2; }
    throw err;
  }
  const options = checkersFromConfig(config);
  if (!options[cloud]) {
    console.error(`no ${cloud} identity is configured: set ${IDENTITY_VARIABLES[cloud]}`);
    return 2;
  }
  const checker = createCheckers({ [cloud]: options[cloud] })[cloud]!;
  const required = config.permissions.required[cloud];
  let calls = 0;
  const outcome = await checkAccount(checker, account, {
    gate: new CheckLimiter({ limits: limitsFromConfig(config) }),
    // the operator's own limiter, for this one check; no request tenant is named 'operator'
    tenant: 'operator',
    policy: { attemptTimeoutMs: config.checks.timeoutMs, maxAttempts: config.checks.maxAttempts },
    onAttempt: () => { calls++; },
    ...(required ? { required } : {}),
  });
  console.log(describeOutcome(cloud, account, outcome, config.permissions.missingStatus, calls, required !== undefined).join('\n'));
  return outcome.kind === 'available' ? 0 : outcome.kind === 'unavailable' ? 1 : 3;
}
