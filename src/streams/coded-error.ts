// The one base of every error that carries a stable string code, the engine's and the
// application's alike: callers, tests, logs and dead-letter headers branch on `code`, never on the
// message. `name` is the concrete class's name.
export class CodedError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
