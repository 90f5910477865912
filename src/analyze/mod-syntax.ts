/**
 * The shared syntax of go.mod and go.work: a small tokenizer plus the line/block structure.
 * Statements are `verb arg...` lines or factored blocks `verb (` ... `)`. Only `//` comments exist
 * (the go command rejects `/* *\/` in these files, so do we). Arguments may be quoted with "..." or `...`.
 * Tokens: newline, ( ) [ ] { } , as punctuation, quoted strings, and "identifiers" — any run of other
 * printable non-space characters (so `=>`, `v1.2.3` and `../dir` are single tokens).
 */
import { quoteInput, UserError } from "../errors.js";
import { unquoteGoString } from "./go-string.js";

export interface ModToken {
  /** The token as written (quotes included for strings). */
  raw: string;
  /** Decoded value: unquoted for strings, same as raw otherwise. */
  value: string;
  quoted: boolean;
}

/** One statement: a verb with its arguments (a block line carries its block's verb). */
export interface ModLine {
  verb: string;
  args: ModToken[];
  line: number;
  /** Text of a trailing `//` comment on the same line, without the slashes, trimmed. */
  suffixComment?: string;
  /** Whole-line comments directly above the line (or above its block, for a block's first lines). */
  leadingComments: string[];
  inBlock: boolean;
}

const PUNCTUATION = new Set(["\n", "(", ")", "[", "]", "{", "}", ","]);

interface RawToken {
  kind: "newline" | "punct" | "string" | "ident" | "comment" | "eof";
  text: string;
  line: number;
  /** For comments: true when the comment is the only thing on its line. */
  wholeLine?: boolean;
}

/**
 * Yields the tokens one at a time, so a large file never holds an array of token objects (a 50 MB go.mod
 * took 3.8 GB that way). Linear: each character is consumed once.
 */
function* tokenize(text: string, file: string): Generator<RawToken, RawToken> {
  let line = 1;
  let lineHasCode = false;
  const fail = (problem: string, at = line) => {
    throw new UserError(problem, { where: `${file}:${at}` });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\uFEFF") {
      i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      yield { kind: "comment", text: text.slice(i + 2, stop).trim(), line, wholeLine: !lineHasCode };
      i = stop;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") fail("block comments /* */ are not allowed; use // comments");
    if (PUNCTUATION.has(c)) {
      yield { kind: c === "\n" ? "newline" : "punct", text: c, line };
      if (c === "\n") {
        line++;
        lineHasCode = false;
      } else {
        lineHasCode = true;
      }
      i++;
      continue;
    }
    lineHasCode = true;
    if (c === '"' || c === "`") {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) fail("unterminated quoted string");
        const d = text[j]!;
        if (d === "\n") fail("unterminated quoted string (newline inside quotes)");
        j++;
        if (d === c) break;
        if (d === "\\" && c === '"') j++;
      }
      yield { kind: "string", text: text.slice(i, j), line };
      i = j;
      continue;
    }
    let j = i;
    while (j < text.length) {
      const d = text[j]!;
      if (d === " " || d === "\t" || d === "\r" || d === "\n" || PUNCTUATION.has(d) || d === '"' || d === "`") break;
      if (d === "/" && text[j + 1] === "/") break;
      if (d === "/" && text[j + 1] === "*") fail("block comments /* */ are not allowed; use // comments");
      j++;
    }
    yield { kind: "ident", text: text.slice(i, j), line };
    i = j;
  }
  return { kind: "eof", text: "", line };
}

function nextToken(tokens: Generator<RawToken, RawToken>): RawToken {
  return tokens.next().value;
}

function endsLine(token: RawToken): boolean {
  return token.kind === "newline" || token.kind === "eof";
}

function toArg(token: RawToken, file: string): ModToken {
  if (token.kind !== "string") return { raw: token.text, value: token.text, quoted: false };
  const value = unquoteGoString(token.text);
  if (value === undefined)
    throw new UserError(`invalid quoted string ${quoteInput(token.text)}`, { where: `${file}:${token.line}` });
  return { raw: token.text, value, quoted: true };
}

/** Statements read so far, comments waiting for the next statement, and the open `verb (` block. */
interface ModParser {
  file: string;
  lines: ModLine[];
  pending: string[]; // whole-line comments waiting for the next statement
  block?: { verb: string; line: number; comments: string[] };
}

function failAt(parser: ModParser, problem: string, at: number): never {
  throw new UserError(problem, { where: `${parser.file}:${at}` });
}

/** One line of tokens (no newline, no comment): a statement, a block's opening or closing, or a block entry. */
function addStatement(parser: ModParser, lineTokens: RawToken[], suffixComment: string | undefined, lineNo: number) {
  const { file, block } = parser;
  const head = lineTokens[0]!;
  if (block) {
    if (head.kind === "punct" && head.text === ")") {
      if (lineTokens.length > 1) failAt(parser, "unexpected text after ) closing the block", lineNo);
      parser.block = undefined;
      parser.pending = [];
      return;
    }
    const leadingComments = parser.pending.length > 0 ? parser.pending : block.comments;
    const args = lineTokens.map((t) => toArg(t, file));
    parser.lines.push({ verb: block.verb, args, line: lineNo, suffixComment, leadingComments, inBlock: true });
    parser.pending = [];
    return;
  }
  if (head.kind !== "ident") failAt(parser, `unexpected ${quoteInput(head.text)} at start of line`, lineNo);
  const last = lineTokens[lineTokens.length - 1]!;
  if (lineTokens.length === 2 && last.kind === "punct" && last.text === "(") {
    parser.block = { verb: head.text, line: lineNo, comments: parser.pending };
    parser.pending = [];
    return;
  }
  const parenAt = lineTokens.findIndex((t) => t.kind === "punct" && (t.text === "(" || t.text === ")"));
  if (parenAt >= 0) {
    failAt(
      parser,
      `unexpected ${lineTokens[parenAt]!.text}: a block opens with "${quoteInput(head.text).slice(1, -1)} (" at the end of a line`,
      lineNo,
    );
  }
  const args = lineTokens.slice(1).map((t) => toArg(t, file));
  parser.lines.push({
    verb: head.text,
    args,
    line: lineNo,
    suffixComment,
    leadingComments: parser.pending,
    inBlock: false,
  });
  parser.pending = [];
}

/** Splits a go.mod / go.work text into statements; throws UserError (`file:line`) on syntax errors. */
export function parseModSyntax(text: string, file: string): ModLine[] {
  const tokens = tokenize(text, file);
  let token = nextToken(tokens);
  let previousKind: RawToken["kind"] | undefined;
  const advance = () => {
    previousKind = token.kind;
    token = nextToken(tokens);
  };
  const parser: ModParser = { file, lines: [], pending: [] };
  while (token.kind !== "eof") {
    const first = token;
    if (first.kind === "newline") {
      // A blank line detaches comments from what follows.
      if (previousKind === "newline") parser.pending = [];
      advance();
      continue;
    }
    if (first.kind === "comment") {
      parser.pending.push(first.text);
      advance();
      continue;
    }
    // Gather the tokens of this line (up to newline/EOF), keeping any trailing comment.
    const lineTokens: RawToken[] = [];
    let suffixComment: string | undefined;
    while (!endsLine(token)) {
      if (token.kind === "comment") suffixComment = token.text;
      else lineTokens.push(token);
      advance();
    }
    addStatement(parser, lineTokens, suffixComment, first.line);
  }
  if (parser.block) failAt(parser, `unterminated ${parser.block.verb} block: missing )`, parser.block.line);
  return parser.lines;
}

/** Module versions as the go command accepts them in go.mod: canonical semver with a leading v. */
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-.]+)?$/;

export function isModuleVersion(version: string): boolean {
  return SEMVER.test(version);
}

/** Go language versions as the `go` directive accepts them: 1.21, 1.21.3, 1.21rc1. */
export const GO_LINE_VERSION = /^([1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?([a-z]+\d+)?$/;

/** The go command's test for a local replacement (directory) path. */
export function isDirectoryPath(p: string): boolean {
  return (
    p === "." ||
    p.startsWith("./") ||
    p.startsWith(".\\") ||
    p === ".." ||
    p.startsWith("../") ||
    p.startsWith("..\\") ||
    p.startsWith("/") ||
    p.startsWith("\\") ||
    /^[A-Za-z]:/.test(p)
  );
}
