// One account, checked completely: the reachability call (runCheck), then, when it succeeded and
// the provider's permission check is on, which required permissions the account no longer grants.
// Each call of the permission check is its own runCheck: through the rate limiter (its own
// bucket), retried while transient, never retried after a definitive answer.
import { AVAILABLE, classifyPermissionCall, permissionOutcome } from './classify.ts';
import { runCheck, type RunCheckOptions } from './run-check.ts';
import { PermissionCallEnded, type CheckOutcome, type Checker, type PermissionCall } from './types.ts';

export interface CheckAccountOptions extends RunCheckOptions {
  /** the permissions the account must grant; undefined or empty: no permission check */
  required?: readonly string[];
}

/**
 * Never throws for a cloud failure; the outcome carries no credentials.
 * @example const outcome = await checkAccount(awsChecker, arn, { gate: limiter, required: ['ec2:RunInstances'] });
 */
export async function checkAccount(checker: Checker, accountRef: string, options: CheckAccountOptions = {}): Promise<CheckOutcome> {
  const { required, ...runOptions } = options;
  const reachable = await runCheck(checker, accountRef, runOptions);
  if (reachable.kind !== 'available') return reachable;
  if (!required || required.length === 0 || !checker.permissions) return AVAILABLE;

  const call: PermissionCall = async (api, action, send) => {
    let result: unknown;
    const outcome = await runCheck({
      provider: checker.provider,
      api,
      async check(ref, signal) {
        try {
          result = await send(signal);
          return AVAILABLE;
        } catch (err) {
          return classifyPermissionCall(checker.provider, ref, action, err);
        }
      },
    }, accountRef, runOptions);
    if (outcome.kind !== 'available') throw new PermissionCallEnded(outcome);
    return result as never;
  };
  try {
    return permissionOutcome(checker.provider, await checker.permissions(accountRef, reachable, required, call));
  } catch (err) {
    if (err instanceof PermissionCallEnded) return err.outcome;
    // a reply we could not make sense of: no answer this time, never a verdict
    return { kind: 'transient', reason: `permission check failed: ${(err as Error).message ?? String(err)}`.slice(0, 200), throttled: false };
  }
}
