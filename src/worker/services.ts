// What the availability-check topology needs from the outside world. The topology is pure
// structure; these two calls are its only I/O, so tests and `make run` can wire emulators and
// production wires the real Sources client and cloud checkers (src/worker/wire-services.ts).
import type { CheckOutcome } from '../checks/index.ts';
import type { ApplicationAuthentication, CheckRequest } from '../domain/types.ts';

export interface AvailabilityServices {
  /**
   * The source's applications we can check (CONTRACT.md §2), or `undefined` when Sources does not
   * know the source for this tenant (404). Throws for a transient failure (Sources down, 5xx,
   * timeout): the check step retries it.
   */
  findApplications(request: CheckRequest, signal: AbortSignal): Promise<ApplicationAuthentication[] | undefined>;
  /** One application's cloud check, rate limited and retried on transient outcomes. */
  checkApplication(application: ApplicationAuthentication, signal: AbortSignal): Promise<CheckOutcome>;
}

/** A check that could not reach a definitive answer; the step's retry policy takes it from here. */
export class TransientCheckError extends Error {
  readonly code = 'CHECK_TRANSIENT';
  constructor(readonly sourceId: string, readonly reason: string) {
    super(`source ${sourceId}: no definitive answer yet (${reason})`);
    this.name = 'TransientCheckError';
  }
}
