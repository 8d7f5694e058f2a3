// The application's ports: what the availability-check topology needs from the outside world
// (find a source's applications, check them) and the ledger one request's retries share. The
// topology imports these; src/worker wires the real Sources client and cloud checkers into them.
export { TransientCheckError, type AvailabilityServices } from './availability-services.ts';
export { MAX_FAILED_SOURCES_REQUESTS, RequestBudgetSpentError, RequestSpending } from './request-spending.ts';
