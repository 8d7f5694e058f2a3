// From a source's application authentications to the statuses we may send: each distinct
// (provider, account) is checked once through runCheck, concurrently; definitive outcomes become
// ApplicationStatus values, transient ones are listed apart so the caller can retry them later
// and never sends them.
import type { ApplicationAuthentication, ApplicationStatus, AvailabilityStatus, Provider } from '../domain/types.ts';
import { checkAccount } from './check-account.ts';
import type { AttemptReport, RunCheckOptions } from './run-check.ts';
import type { CheckOutcome, Checker } from './types.ts';

/** What Sources is told when required permissions are missing: `unavailable` unless configured otherwise. */
export type MissingPermissionsStatus = Exclude<AvailabilityStatus, 'available'>;

/** The status message content for a definitive outcome; undefined for a transient one. */
export function toApplicationStatus(applicationId: string, outcome: CheckOutcome, missingPermissions: MissingPermissionsStatus = 'unavailable'): ApplicationStatus | undefined {
  if (outcome.kind === 'available') return { applicationId, status: 'available', error: '' };
  if (outcome.kind === 'unavailable') return { applicationId, status: outcome.code === 'missing_permissions' ? missingPermissions : 'unavailable', error: outcome.error };
  return undefined;
}

export interface ApplicationChecksOptions extends Omit<RunCheckOptions, 'onAttempt' | 'signal'> {
  /** checkers by provider; an authentication of a provider without one is transient ("not configured") */
  checkers: Partial<Record<Provider, Checker>>;
  /** called after every attempt, with the provider and account, for metrics and logs */
  onAttempt?: (report: AttemptReport & { provider: Provider; accountRef: string }) => void;
  /** the permissions each account must grant, per provider; a provider left out has no permission check */
  requiredPermissions?: Partial<Record<Provider, readonly string[]>>;
  /** the status sent for missing permissions; default unavailable */
  missingPermissionsStatus?: MissingPermissionsStatus;
  /** called once per checked account with its final outcome (permission check included), for metrics */
  onOutcome?: (report: { provider: Provider; outcome: CheckOutcome }) => void;
}

export interface TransientApplication {
  applicationId: string;
  provider: Provider;
  reason: string;
  throttled: boolean;
}

export interface ApplicationChecks {
  /** definitive results: send these */
  statuses: ApplicationStatus[];
  /** no answer this time: send nothing for these, retry the request later */
  transient: TransientApplication[];
}

export type CheckApplications = (authentications: readonly ApplicationAuthentication[], signal?: AbortSignal) => Promise<ApplicationChecks>;

/**
 * @example
 *   const checkApplications = createApplicationChecks({ checkers: createCheckers(cfg), gate: new CheckLimiter() });
 *   const { statuses, transient } = await checkApplications(result.authentications);
 */
export function createApplicationChecks(options: ApplicationChecksOptions): CheckApplications {
  const { checkers, onAttempt, onOutcome, requiredPermissions, missingPermissionsStatus, ...runOptions } = options;
  return async (authentications, signal) => {
    // Two applications on the same role, subscription or project need one cloud call.
    const pending = new Map<string, Promise<CheckOutcome>>();
    const outcomeFor = (auth: ApplicationAuthentication): Promise<CheckOutcome> => {
      const key = `${auth.provider}\u0000${auth.accountRef}`;
      let outcome = pending.get(key);
      if (!outcome) {
        const checker = checkers[auth.provider];
        outcome = checker
          ? checkAccount(checker, auth.accountRef, {
            ...runOptions,
            ...(requiredPermissions?.[auth.provider] ? { required: requiredPermissions[auth.provider] } : {}),
            ...(signal ? { signal } : {}),
            ...(onAttempt ? { onAttempt: (report: AttemptReport) => onAttempt({ ...report, provider: auth.provider, accountRef: auth.accountRef }) } : {}),
          })
          : Promise.resolve({ kind: 'transient', reason: `no ${auth.provider} checker configured`, throttled: false });
        if (onOutcome) outcome = outcome.then((final) => { onOutcome({ provider: auth.provider, outcome: final }); return final; });
        pending.set(key, outcome);
      }
      return outcome;
    };
    const outcomes = await Promise.all(authentications.map(outcomeFor));
    const result: ApplicationChecks = { statuses: [], transient: [] };
    authentications.forEach((auth, i) => {
      const outcome = outcomes[i] as CheckOutcome;
      const status = toApplicationStatus(auth.applicationId, outcome, missingPermissionsStatus);
      if (status) result.statuses.push(status);
      else if (outcome.kind === 'transient') result.transient.push({ applicationId: auth.applicationId, provider: auth.provider, reason: outcome.reason, throttled: outcome.throttled });
    });
    return result;
  };
}
