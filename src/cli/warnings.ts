/**
 * The analyzer's warnings on the way out: one `warning: …` line each on stderr (stdout carries the plan or
 * the LLB and must stay clean), or, with --strict, a UserError naming the first and how many there are.
 */
import { printable, UserError } from "../errors.js";

export interface WarningReport {
  warnings: readonly string[];
  strict: boolean;
  stream: NodeJS.WritableStream;
}

/** Prints the warnings, or throws when --strict and there are any. Names from the input are escaped. */
export function reportWarnings({ warnings, strict, stream }: WarningReport): void {
  if (warnings.length === 0) return;
  const lines = warnings.map((w) => `warning: ${printable(w)}`);
  stream.write(`${lines.join("\n")}\n`);
  if (strict) {
    const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more above)` : "";
    throw new UserError(`--strict: ${printable(warnings[0]!)}${more}`, {
      hint: "fix what the warnings name, or build without --strict",
    });
  }
}
