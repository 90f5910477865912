/**
 * How the analyzer words what it finds. Every warning is one line `<what> (<where>): <what to do>` (the CLI
 * prefixes `warning: `), so plan, llb, build and info print the same text and `--strict` can refuse it.
 * Problems that would only fail later inside BuildKit, at a container path the user never wrote (a go.work
 * `use` or a required `replace` directory that is missing or outside the context), are UserErrors instead,
 * naming the go.mod / go.work line.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { printable, UserError } from "../errors.js";
import { parseModSyntax } from "./mod-syntax.js";

/** One warning line: what is wrong, where, what to do. */
export function warningLine(what: string, where: string, fix: string): string {
  return `${what} (${where}): ${fix}`;
}

/**
 * Printable form of a file name's bytes: control characters and the bytes of invalid UTF-8 become \xNN
 * (a name may carry an escape sequence that would otherwise drive the user's terminal). Valid non-ASCII
 * text is kept as it is.
 */
export function printableName(name: Uint8Array): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < name.length; ) {
    const len = sequenceLength(name, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += `${printable(Buffer.from(name.subarray(start, i)).toString("utf8"))}\\x${hex(name[i]!)}`;
    i++;
    start = i;
  }
  return out + printable(Buffer.from(name.subarray(start)).toString("utf8"));
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (len === 0 || i + len > b.length) return 0;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(i, i + len));
    return len;
  } catch {
    return 0;
  }
}

/**
 * The 1-based line of the first `verb` directive in a go.mod / go.work whose arguments satisfy `matches`
 * (given the decoded argument values). Read again only on the error path, so the parsed structures need
 * no positions.
 */
export function directiveLine(
  root: string,
  file: string,
  verb: string,
  matches: (args: string[]) => boolean,
): number | undefined {
  try {
    const text = readFileSync(path.join(root, file), "utf8");
    return parseModSyntax(text, file).find((l) => l.verb === verb && matches(l.args.map((a) => a.value)))?.line;
  } catch {
    return undefined;
  }
}

/** A UserError at `file:line` (or just `file` when the line cannot be found). */
export function directiveError(problem: string, at: { file: string; line: number | undefined }, hint: string) {
  return new UserError(problem, { where: at.line ? `${at.file}:${at.line}` : at.file, hint });
}
