// Public surface of the cloud checks.
import type { Provider } from '../domain/types.ts';
import { createAwsChecker, type AwsCheckerOptions } from './aws.ts';
import { createAzureChecker, type AzureCheckerOptions } from './azure.ts';
import { createGcpChecker, type GcpCheckerOptions } from './gcp.ts';
import type { Checker } from './types.ts';

export * from './types.ts';
export { AVAILABLE, classifyError, classifyPermissionCall, missingPermissionsSentence, permissionOutcome, unavailableSentence } from './classify.ts';
export { checkAccount, type CheckAccountOptions } from './check-account.ts';
export {
  createApplicationChecks, toApplicationStatus,
  type ApplicationChecks, type MissingPermissionsStatus, type ApplicationChecksOptions, type CheckApplications, type TransientApplication,
} from './check-applications.ts';
export { runCheck, DEFAULT_RETRY_POLICY, type RetryPolicy, type RunCheckOptions, type AttemptReport } from './run-check.ts';
export { createAwsChecker, assertRoleArn, type AwsCheckerOptions } from './aws.ts';
export { createAzureChecker, assertSubscriptionId, type AzureCheckerOptions } from './azure.ts';
export { createGcpChecker, assertProjectId, type GcpCheckerOptions } from './gcp.ts';

export interface CheckersOptions {
  aws?: AwsCheckerOptions;
  azure?: AzureCheckerOptions;
  gcp?: GcpCheckerOptions;
}

/**
 * One checker per configured provider; a provider without options has none (its checks cannot run).
 * @example const checkers = createCheckers({ aws: { region: 'us-east-1', credentials } }); checkers.aws?.check(arn, signal);
 */
export function createCheckers(options: CheckersOptions): Partial<Record<Provider, Checker>> {
  return {
    ...(options.aws ? { aws: createAwsChecker(options.aws) } : {}),
    ...(options.azure ? { azure: createAzureChecker(options.azure) } : {}),
    ...(options.gcp ? { gcp: createGcpChecker(options.gcp) } : {}),
  };
}
