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
  /** The first line: problem, where and hint. */
  readonly headline: string;
  /**
   * Lines printed below the headline, each on its own (e.g. one per target that failed to compile); also
   * appended to `message` after newlines, for callers that only see the message (the frontend's result).
   */
  readonly detailLines: readonly string[];

  constructor(
    problem: string,
    options: { where?: string; hint?: string; exitCode?: number; cause?: unknown; detailLines?: string[] } = {},
  ) {
    const parts = [options.where ? `${options.where}: ${problem}` : problem];
    if (options.hint) parts.push(options.hint);
    const headline = parts.join(" — ");
    const detailLines = options.detailLines ?? [];
    super([headline, ...detailLines].join("\n"), { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? 1;
    this.where = options.where;
    this.hint = options.hint;
    this.headline = headline;
    this.detailLines = detailLines;
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

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides that could move the cursor, recolour or
 * rewrite the terminal, or make text read differently than it is.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from input files, made safe to print: every unprintable character becomes a visible escape
 * (`\x1b`, `\n`, `\u202e`). The CLI passes everything it prints about a failure through this.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A piece of input quoted in a message: printable, and cut to `max` characters so a huge line stays one line. */
export function quoteInput(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${printable(cut)}"`;
}
