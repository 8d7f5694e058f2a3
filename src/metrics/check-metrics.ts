// The cloud-call metrics under the first implementation's names, so existing dashboards and alerts
// keep working: one count and one duration per cloud call (every attempt, retries included),
// labelled by provider and outcome. Label values are bounded: the `error` label is a short code,
// never the customer-facing sentence or the transient reason text.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AttemptReport } from '../checks/run-check.ts';
import type { CheckOutcome } from '../checks/types.ts';
import type { Provider } from '../domain/types.ts';

export const CHECK_REQUESTS_METRIC = 'provisioning_source_availability_check_request_total';
export const CHECK_DURATION_METRIC = 'provisioning_source_availability_check_request_duration_ms';
export const ACCOUNT_CHECKS_METRIC = 'sources_availability_check_account_checks_total';
export const MISSING_PERMISSIONS_METRIC = 'sources_availability_check_missing_permissions_total';

/** Values of the `error` label for a transient outcome. */
export const TRANSIENT_ERROR_LABELS = ['throttled', 'timeout', 'network', 'our_credentials', 'cancelled', 'error'] as const;

export interface CheckLabels {
  /** available | unavailable | transient */
  status: CheckOutcome['kind'];
  /** '' when available; access_denied | not_found | invalid_identifier | missing_permissions when unavailable; a TRANSIENT_ERROR_LABELS value when transient */
  error: string;
}

/**
 * @example checkLabels({ kind: 'transient', reason: 'timeout', throttled: false }) // { status: 'transient', error: 'timeout' }
 */
export function checkLabels(outcome: CheckOutcome): CheckLabels {
  if (outcome.kind === 'available') return { status: 'available', error: '' };
  if (outcome.kind === 'unavailable') return { status: 'unavailable', error: outcome.code };
  const { reason } = outcome;
  let error: (typeof TRANSIENT_ERROR_LABELS)[number] = 'error';
  if (outcome.throttled) error = 'throttled';
  else if (reason === 'timeout') error = 'timeout';
  else if (reason === 'cancelled') error = 'cancelled';
  else if (reason.startsWith('network')) error = 'network';
  // classify.ts words these "our credentials were rejected", "our token was rejected", "our project's problem"
  else if (/\bour (credentials|token|project)/.test(reason) || reason.includes('token request failed')) error = 'our_credentials';
  return { status: 'transient', error };
}

export interface CheckMetrics {
  /** feed it createApplicationChecks' onAttempt */
  observeAttempt(report: AttemptReport & { provider: Provider }): void;
  /** feed it createApplicationChecks' onOutcome */
  observeOutcome(report: { provider: Provider; outcome: CheckOutcome }): void;
}

export function createCheckMetrics(registry: Registry): CheckMetrics {
  const requests = new Counter({
    name: CHECK_REQUESTS_METRIC,
    help: 'Cloud calls made to check a source (every attempt), by provider type, outcome status and error code',
    labelNames: ['type', 'status', 'error'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: CHECK_DURATION_METRIC,
    help: 'Duration of one cloud call in milliseconds (rate-limiter waits excluded), by provider type and error code',
    labelNames: ['type', 'error'],
    buckets: [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000],
    registers: [registry],
  });
  const accountChecks = new Counter({
    name: ACCOUNT_CHECKS_METRIC,
    help: 'Checked accounts by final outcome (reachability, then the permission check), by provider type, status and error code',
    labelNames: ['type', 'status', 'error'],
    registers: [registry],
  });
  // label values come from the configured required lists and the check's own IAM reads: bounded
  const missingPermissions = new Counter({
    name: MISSING_PERMISSIONS_METRIC,
    help: 'Required permissions found missing, one per checked account and permission, by provider type and permission',
    labelNames: ['type', 'permission'],
    registers: [registry],
  });
  return {
    observeOutcome({ provider, outcome }) {
      const { status, error } = checkLabels(outcome);
      accountChecks.inc({ type: provider, status, error });
      if (outcome.kind === 'unavailable') for (const permission of outcome.missing ?? []) missingPermissions.inc({ type: provider, permission });
    },
    observeAttempt(report) {
      const { status, error } = checkLabels(report.outcome);
      requests.inc({ type: report.provider, status, error });
      duration.observe({ type: report.provider, error }, report.durationMs);
    },
  };
}
