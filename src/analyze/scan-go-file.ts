/**
 * Reads one Go source file only as far as the analysis needs: the header (build constraints), the
 * package clause and the imports. The rest of the file is lexed only when it matters — when the file
 * imports aws-lambda-go's `lambda` / `lambdaurl` (to find runtime starts) or has `//go:embed` lines and
 * imports "embed". Everything else (function bodies, types) is never looked at.
 */
import {
  ConstraintSyntaxError,
  evalBuildConstraint,
  isGoBuildLine,
  isPlusBuildLine,
  matchFileName,
} from "./constraint.js";
import { EOF, GoLexer, IDENT, type LineComment, PUNCT, STRING } from "./go-lexer.js";
import { unquoteGoString } from "./go-string.js";
import type { LambdaStartCall, LambdaStartFunc } from "./types.js";

export const LAMBDA_PACKAGE = "github.com/aws/aws-lambda-go/lambda";
export const LAMBDAURL_PACKAGE = "github.com/aws/aws-lambda-go/lambdaurl";

/** The runtime-starting functions of each package, keyed by Go name, valued by how rpk reports them. */
const START_FUNCS = new Map<string, Map<string, LambdaStartFunc>>([
  [
    LAMBDA_PACKAGE,
    new Map(
      (
        [
          "Start",
          "StartWithOptions",
          "StartHandler",
          "StartHandlerFunc",
          "StartWithContext",
          "StartHandlerWithContext",
        ] as const
      ).map((f) => [f, `lambda.${f}` as LambdaStartFunc]),
    ),
  ],
  [LAMBDAURL_PACKAGE, new Map([["Start", "lambdaurl.Start" as LambdaStartFunc]])],
]);
const DEFAULT_NAMES: Record<string, string> = { [LAMBDA_PACKAGE]: "lambda", [LAMBDAURL_PACKAGE]: "lambdaurl" };

export interface GoImport {
  path: string;
  /** The name as written: an alias, "_" or "."; absent when the default name is used. */
  name?: string;
  line: number;
}

export interface GoFileScan {
  file: string;
  /** Package clause; absent when the file has none (then `problem` says so). */
  packageName?: string;
  /** The //go:build line, or the +build lines joined by "\n", when the file has one. */
  constraint?: string;
  /** Whether the file is selected with cgo on / off (only when ScanOptions.tags is given). */
  buildsWithCgo?: boolean;
  buildsWithoutCgo?: boolean;
  imports: GoImport[];
  importsC: boolean;
  embedPatterns: string[];
  lambdaStarts: LambdaStartCall[];
  /** `package main` files: the line of a top-level `func main(` declaration, when the file has one. */
  mainLine?: number;
  /** Why the file cannot be used as written (malformed constraint, no package clause, bad //go:embed). */
  problem?: string;
  /** Set when `truncated` input was not enough: scan the whole file instead (other fields are partial). */
  incomplete?: boolean;
}

/** Bytes are decoded as latin1 (a plain copy, much faster than UTF-8); extracted strings are re-decoded. */
type Decode = (s: string) => string;
const asIs: Decode = (s) => s;
const fromLatin1: Decode = (s) => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, "latin1").toString("utf8");
  return s;
};

export interface ScanOptions {
  /** Relative path of the file (posix), used in positions; its base name feeds file-name constraints. */
  file: string;
  /**
   * The source is only the beginning of the file. The scan then sets `incomplete` when it needed more
   * (the header or imports run past the end, or the file imports lambda/embed and the body matters).
   */
  truncated?: boolean;
  /**
   * Tag sets for linux/<arch> with and without the cgo tag. When given, the scan stops after the header
   * for files neither set selects (no imports are read).
   */
  tags?: { withCgo: ReadonlySet<string>; withoutCgo: ReadonlySet<string> };
}

/** Port of the go command's header rule: where //go:build and // +build lines are honoured. */
function readHeader(text: string): { goBuild?: string; plusBuild: string[]; problem?: string; ended: boolean } {
  let goBuild: string | undefined;
  let end = 0; // offset after the last blank line seen before the first non-comment line
  let ended = false;
  let inSlashStar = false;
  let sawCode = false;
  let pos = 0;
  lines: while (pos < text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    let line = text.slice(pos, nl).trim();
    pos = nl + 1;
    if (line === "" && !ended) {
      end = Math.min(pos, text.length);
      continue;
    }
    if (!line.startsWith("//")) ended = true;
    if (!inSlashStar && isGoBuildLine(line)) {
      if (goBuild !== undefined) return { plusBuild: [], problem: "multiple //go:build lines", ended: true };
      goBuild = line;
    }
    while (line.length > 0) {
      if (inSlashStar) {
        const close = line.indexOf("*/");
        if (close < 0) continue lines;
        inSlashStar = false;
        line = line.slice(close + 2).trim();
        continue;
      }
      if (line.startsWith("//")) continue lines;
      if (line.startsWith("/*")) {
        inSlashStar = true;
        line = line.slice(2).trim();
        continue;
      }
      sawCode = true;
      break lines; // code: the header is over
    }
  }
  if (goBuild !== undefined) return { goBuild, plusBuild: [], ended: sawCode };
  const plusBuild = text
    .slice(0, end)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => isPlusBuildLine(l));
  return { plusBuild, ended: sawCode };
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/** Parses `//go:embed` arguments: bare words, "quoted" or `raw` strings, separated by spaces. */
function parseEmbedArgs(args: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < args.length) {
    const c = args[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    let j = i;
    if (c === '"' || c === "`") {
      j = i + 1;
      while (j < args.length && args[j] !== c) j += c === '"' && args[j] === "\\" ? 2 : 1;
      if (j >= args.length) return undefined;
      const value = unquoteGoString(args.slice(i, j + 1));
      j++;
      // An empty pattern ("" or ``) is invalid to the go command too.
      if (!value || (j < args.length && args[j] !== " " && args[j] !== "\t")) return undefined;
      out.push(value);
    } else {
      while (j < args.length && args[j] !== " " && args[j] !== "\t") j++;
      out.push(args.slice(i, j));
    }
    i = j;
  }
  return out;
}

function collectEmbeds(directives: LineComment[], scan: GoFileScan, decode: Decode): void {
  for (const d of directives) {
    if (!d.text.startsWith("//go:embed")) continue;
    const rest = decode(d.text.slice("//go:embed".length));
    if (rest !== "" && rest[0] !== " " && rest[0] !== "\t") continue; // e.g. //go:embedded is another directive
    const patterns = parseEmbedArgs(rest);
    if (!patterns || patterns.length === 0) {
      scan.problem ??= `${scan.file}:${d.line}: malformed //go:embed line`;
      continue;
    }
    for (const pattern of patterns) scan.embedPatterns.push(pattern); // no spread: a line may hold millions
  }
}

/** Reads one import spec (`[name] "path"`); consumes at least one token when on a name or a string. */
function readImportSpec(lex: GoLexer, scan: GoFileScan, decode: Decode): void {
  let name: string | undefined;
  if (lex.at(IDENT) || lex.isPunct(".")) {
    name = decode(lex.text());
    lex.next();
  }
  if (!lex.at(STRING)) return;
  // Decode before unescaping: escapes like \u00e9 must not be re-decoded as latin1 bytes.
  const plain = lex.plainStringValue();
  const path = plain !== undefined ? decode(plain) : unquoteGoString(decode(lex.text()));
  if (path !== undefined) {
    const spec: GoImport = { path, line: lex.tokLine };
    if (name !== undefined) spec.name = name;
    scan.imports.push(spec);
    if (path === "C") scan.importsC = true;
  }
  lex.next();
}

/** Reads the import declarations; the lexer is left on the first token after them. */
function readImports(lex: GoLexer, scan: GoFileScan, decode: Decode): void {
  while (lex.at(IDENT) && lex.textIs("import")) {
    lex.next();
    if (lex.isPunct("(")) {
      lex.next();
      while (!lex.at(EOF) && !lex.isPunct(")")) {
        // readSpec consumes at least one token when it starts on a name or a string; skip anything else.
        if (lex.at(IDENT) || lex.at(STRING) || lex.isPunct(".")) readImportSpec(lex, scan, decode);
        else lex.next();
      }
      lex.next();
    } else {
      readImportSpec(lex, scan, decode);
    }
    while (lex.isPunct(";")) lex.next();
  }
}

/** Lexes the rest of the file looking for runtime starts through the names the file imports. */
function findLambdaStarts(lex: GoLexer, scan: GoFileScan): void {
  const qualified = new Map<string, Map<string, LambdaStartFunc>>();
  let dotFuncs: Map<string, LambdaStartFunc> | undefined;
  for (const imp of scan.imports) {
    const funcs = START_FUNCS.get(imp.path);
    if (!funcs || imp.name === "_") continue;
    if (imp.name === ".") dotFuncs = new Map([...(dotFuncs ?? []), ...funcs]);
    else qualified.set(imp.name ?? DEFAULT_NAMES[imp.path]!, funcs);
  }
  if (qualified.size === 0 && !dotFuncs) return;
  // Sliding window of the last three tokens: ident "." ident is a qualified reference.
  let prev1 = "";
  let prev2 = "";
  let prev3 = "";
  for (let kind = lex.kind; kind !== EOF; kind = lex.next()) {
    const text = kind === IDENT || kind === PUNCT ? lex.text() : " ";
    if (kind === IDENT) {
      let call: LambdaStartFunc | undefined;
      if (prev1 === "." && prev3 !== ".") call = qualified.get(prev2)?.get(text);
      else if (dotFuncs && prev1 !== "." && prev1 !== "func") call = dotFuncs.get(text);
      if (call) scan.lambdaStarts.push({ call, pos: { file: scan.file, line: lex.tokLine } });
    }
    prev3 = prev2;
    prev2 = prev1;
    prev1 = text;
  }
}

/**
 * gofmt puts top-level declarations at column 0, so `func main(` starting a line is the declaration (a method
 * has a receiver between `func` and its name; a nested closure cannot be named). Found without lexing the
 * body, which the scanner otherwise skips.
 */
const MAIN_DECL = /^func[ \t]+main[ \t]*\(/m;

function mainDeclLine(text: string): number | undefined {
  const match = MAIN_DECL.exec(text);
  if (!match) return undefined;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < match.index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Scans one Go file; never throws for malformed content (it sets `problem` instead).
 * `source` may be the file's bytes: they are decoded as latin1 for lexing (Go syntax is ASCII; non-ASCII
 * bytes only occur inside identifiers, strings and comments), and extracted names are re-decoded as UTF-8.
 */
export function scanGoFile(source: string | Uint8Array, options: ScanOptions): GoFileScan {
  if (typeof source === "string") return scanText(source, asIs, options);
  return scanLatin1(Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString("latin1"), options);
}

const NON_ASCII = /[\x80-\xff]/;

/** Scans text that was decoded from the file's bytes as latin1 (what the walker does: one copy, no UTF-8). */
export function scanLatin1(text: string, options: ScanOptions): GoFileScan {
  return scanText(text, NON_ASCII.test(text) ? fromLatin1 : asIs, options);
}

function scanText(text: string, decode: Decode, options: ScanOptions): GoFileScan {
  const truncated = options.truncated === true;
  const scan: GoFileScan = { file: options.file, imports: [], importsC: false, embedPatterns: [], lambdaStarts: [] };
  const incomplete = () => {
    scan.incomplete = true;
    return scan;
  };
  const header = readHeader(text);
  if (header.problem) {
    scan.problem = `${options.file}: ${header.problem}`;
    return scan;
  }
  if (truncated && !header.ended) return incomplete();
  if (header.goBuild !== undefined) scan.constraint = header.goBuild;
  else if (header.plusBuild.length > 0) scan.constraint = header.plusBuild.join("\n");

  if (options.tags && !selectByTags(scan, options.file, options.tags)) return scan;

  const lex = new GoLexer(text);
  // Directive comments are collected from the start (cheaply: only `//go:` comments are kept) so that a
  // //go:embed right above the first declaration is not lost while the imports are being read.
  const directives: LineComment[] = [];
  const mayEmbed = truncated || text.includes("//go:embed");
  if (mayEmbed) lex.directives = directives;
  lex.next();
  if (!(lex.at(IDENT) && lex.textIs("package") && lex.next() === IDENT)) {
    if (truncated) return incomplete();
    scan.problem = `${options.file}:${lex.tokLine}: expected package clause`;
    return scan;
  }
  scan.packageName = decode(lex.text());
  lex.next();
  while (lex.isPunct(";")) lex.next();
  readImports(lex, scan, decode);
  // At the end of a truncated text the import list may go on.
  if (truncated && lex.at(EOF)) return incomplete();
  if (scan.packageName === "main") {
    const line = mainDeclLine(text);
    if (line !== undefined) scan.mainLine = line;
    else if (truncated) return incomplete(); // it may come later in the file
  }

  return scanDeclarations(lex, scan, { decode, directives, mayEmbed, truncated });
}

/**
 * Sets whether the file builds with and without cgo under the build's tags; false when it builds in neither
 * (or its constraint does not parse: then `problem` says why) and the scan stops there.
 */
function selectByTags(scan: GoFileScan, file: string, tags: NonNullable<ScanOptions["tags"]>): boolean {
  const name = baseName(file);
  try {
    const select = (set: ReadonlySet<string>) =>
      matchFileName(name, set) && (scan.constraint === undefined || evalBuildConstraint(scan.constraint, set));
    scan.buildsWithCgo = select(tags.withCgo);
    scan.buildsWithoutCgo = select(tags.withoutCgo);
  } catch (error) {
    if (!(error instanceof ConstraintSyntaxError)) throw error;
    scan.problem = `${file}: ${error.message}`;
    scan.buildsWithCgo = scan.buildsWithoutCgo = false;
    return false;
  }
  return scan.buildsWithCgo || scan.buildsWithoutCgo;
}

/** After the imports: lambda.Start calls and //go:embed patterns, read only when the imports call for them. */
function scanDeclarations(
  lex: GoLexer,
  scan: GoFileScan,
  state: { decode: Decode; directives: LineComment[]; mayEmbed: boolean; truncated: boolean },
): GoFileScan {
  let wantsLambda = false;
  let importsEmbed = false;
  for (const i of scan.imports) {
    if (START_FUNCS.has(i.path) && i.name !== "_") wantsLambda = true;
    else if (i.path === "embed") importsEmbed = true;
  }
  const wantsEmbed = state.mayEmbed && importsEmbed;
  if (!wantsLambda && !wantsEmbed) return scan;
  if (state.truncated) {
    scan.incomplete = true;
    return scan;
  }
  if (wantsLambda) findLambdaStarts(lex, scan);
  else while (lex.next() !== EOF);
  if (wantsEmbed) collectEmbeds(state.directives, scan, state.decode);
  return scan;
}
