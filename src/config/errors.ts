// Configuration errors: one error listing every bad variable, each named, never with a secret.
import { CodedError } from '../streams/coded-error.ts';

export interface ConfigProblem {
  /** the environment variable at fault */
  variable: string;
  message: string;
}

/**
 * Thrown by loadConfig when any variable is invalid. `message` has one line per problem,
 * e.g. `PORT must be an integer port from 0 to 65535 (0: any free port), got "abc"`.
 */
export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
    this.problems = Object.freeze(problems);
  }
}
