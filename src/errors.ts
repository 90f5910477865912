/**
 * An error the user can act on. The CLI prints `message` as one line (no stack trace unless --debug)
 * and exits with `exitCode`. Every layer throws these for bad input; anything else is a bug.
 */
export class UserError extends Error {
  readonly exitCode: number;
  /** Where the problem is, e.g. `go.mod:12` or `rpk.json: targets[0].name`. Prefixed to the message. */
  readonly where?: string;
  /** What the user should do about it; appended to the message. */
  readonly hint?: string;

  constructor(problem: string, options: { where?: string; hint?: string; exitCode?: number; cause?: unknown } = {}) {
    const parts = [options.where ? `${options.where}: ${problem}` : problem];
    if (options.hint) parts.push(options.hint);
    super(parts.join(" — "), { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? 1;
    this.where = options.where;
    this.hint = options.hint;
  }
}

/** A usage error (bad flags or arguments): exit code 2. */
export class UsageError extends UserError {
  constructor(problem: string, options: { hint?: string } = {}) {
    super(problem, { ...options, exitCode: 2 });
    this.name = "UsageError";
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
