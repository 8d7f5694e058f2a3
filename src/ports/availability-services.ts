// What the availability-check topology needs from the outside world. The topology is pure
// structure; these two calls are its only I/O, so tests and `make run` can wire emulators and
// production wires the real Sources client and cloud checkers (src/worker/wire-services.ts).
import type { ApplicationChecks } from '../checks/index.ts';
import type { ApplicationAuthentication, CheckRequest } from '../domain/types.ts';
import { CodedError } from '../streams/coded-error.ts';
import type { RequestSpending } from './request-spending.ts';

export interface AvailabilityServices {
  /**
   * The source's applications we can check (README: The Sources contract §2), or `undefined` when Sources does not
   * know the source for this tenant (404). Throws for a transient failure (Sources down, 5xx,
   * timeout): the check step retries it, unless the request's budget is spent.
   * `spending` is the request's ledger, the same object on every attempt of the request.
   */
  findApplications(request: CheckRequest, signal: AbortSignal, spending: RequestSpending): Promise<ApplicationAuthentication[] | undefined>;
  /**
   * The cloud checks of a source's applications (one call per distinct account), rate limited and
   * retried within the request's budget; definitive statuses apart from the applications still
   * without an answer. Throws RequestBudgetSpentError when an account without an answer has no
   * call left in this request.
   */
  checkApplications(applications: readonly ApplicationAuthentication[], signal: AbortSignal, spending: RequestSpending): Promise<ApplicationChecks>;
}

/** A check that could not reach a definitive answer; the step's retry policy takes it from here. */
export class TransientCheckError extends CodedError<'CHECK_TRANSIENT'> {
  readonly transient = true;
  constructor(readonly sourceId: string, readonly reason: string) {
    super('CHECK_TRANSIENT', `source ${sourceId}: no definitive answer yet (${reason})`);
  }
}
