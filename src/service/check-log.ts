// The worker's log lines about checks: each cloud call at debug (provider, attempt, outcome class,
// duration; never the account reference or the customer-facing sentence), and a source Sources
// cannot give a checkable application for (README: The Sources contract §2: no status can be sent; log it).
import type { AttemptReport } from '../checks/run-check.ts';
import type { Provider } from '../domain/types.ts';
import { checkLabels } from '../metrics/index.ts';
import type { AvailabilityServices } from '../ports/availability-services.ts';
import type { Logger } from './logger.ts';

/** An onAttempt hook that logs the attempt at debug. */
export function logAttempt(logger: Logger): (report: AttemptReport & { provider: Provider }) => void {
  return (report) => {
    if (!logger.isLevelEnabled('debug')) return;
    const { status, error } = checkLabels(report.outcome);
    logger.debug({ provider: report.provider, attempt: report.attempt, status, error, durationMs: Math.round(report.durationMs) }, 'cloud check attempt');
  };
}

/** The same services, logging the sources that have no application to check. */
export function withUnaddressableLog(services: AvailabilityServices, logger: Logger): AvailabilityServices {
  return {
    async findApplications(request, signal, spending) {
      const applications = await services.findApplications(request, signal, spending);
      if (applications === undefined || applications.length === 0) {
        logger.info({ requestId: request.requestId, sourceId: request.sourceId, found: applications !== undefined },
          applications === undefined ? 'source not found in Sources; no status can be sent' : 'source has no provisioning application; no status can be sent');
      }
      return applications;
    },
    checkApplications: (applications, signal, spending) => services.checkApplications(applications, signal, spending),
  };
}
