/**
 * Build constraints as the go command applies them for GOOS=linux: `//go:build` expressions, legacy
 * `// +build` lines (only consulted when a file has no //go:build line) and file name suffixes.
 */
import { quoteInput } from "../errors.js";
import type { GoArch } from "./types.js";

const KNOWN_OS = new Set(
  "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos".split(
    " ",
  ),
);
const KNOWN_ARCH = new Set(
  "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split(
    " ",
  ),
);

/** Microarchitecture tags the default toolchain settings imply (GOAMD64=v1, GOARM64=v8.0). */
const ARCH_LEVEL_TAGS: Record<GoArch, string[]> = { amd64: ["amd64.v1"], arm64: ["arm64.v8.0"] };

export interface BuildTagOptions {
  arch: GoArch;
  cgo: boolean;
  /** Minor of the effective Go version: release tags go1.1 … go1.<minor> are satisfied. */
  goMinor: number;
  /** User tags (e.g. from settings). `ignore` is never satisfied, even when listed here. */
  tags?: string[];
}

/** The set of satisfied tags for linux/<arch>; evaluation is a plain membership test against it. */
export function buildTagSet(o: BuildTagOptions): Set<string> {
  const set = new Set<string>(["linux", "unix", "gc", o.arch, ...ARCH_LEVEL_TAGS[o.arch]]);
  if (o.cgo) set.add("cgo");
  for (let minor = 1; minor <= o.goMinor; minor++) set.add(`go1.${minor}`);
  for (const tag of o.tags ?? []) set.add(tag);
  set.delete("ignore");
  return set;
}

export class ConstraintSyntaxError extends Error {}

/** Is `line` a `//go:build` line (the prefix followed by a space, tab or nothing)? */
export function isGoBuildLine(line: string): boolean {
  if (!line.startsWith("//go:build")) return false;
  const rest = line.slice("//go:build".length);
  return rest === "" || rest[0] === " " || rest[0] === "\t";
}

/** Is `line` a legacy `// +build` line? */
export function isPlusBuildLine(line: string): boolean {
  if (!line.startsWith("//")) return false;
  const rest = line.slice(2).trimStart();
  if (!rest.startsWith("+build")) return false;
  const after = rest.slice("+build".length);
  return after === "" || after[0] === " " || after[0] === "\t";
}

const TAG_CHAR = /[A-Za-z0-9_.]/;

/**
 * Limits the go command applies (go/build/constraint): a //go:build expression may have at most 1000
 * operands ("build expression too large"; this also bounds the nesting, so the recursive descent below
 * can never exhaust the stack), a // +build line at most 100 AND/OR operators.
 */
const MAX_GO_BUILD_OPERANDS = 1000;
const MAX_PLUS_BUILD_OPERATORS = 100;

/**
 * Evaluates a //go:build expression (`linux && (amd64 || !cgo)`) against a tag set. Linear in the length
 * of `expr`: every step consumes input, and the operand limit bounds the recursion depth.
 */
function evalGoBuildExpr(expr: string, tags: ReadonlySet<string>): boolean {
  let i = 0;
  let operands = 0;
  const skipSpace = () => {
    while (expr[i] === " " || expr[i] === "\t") i++;
  };
  const fail = (what: string): never => {
    throw new ConstraintSyntaxError(`${what} in build constraint ${quoteInput(expr.trim())}`);
  };
  const parseOr = (): boolean => {
    let value = parseAnd();
    skipSpace();
    while (expr.startsWith("||", i)) {
      i += 2;
      const rhs = parseAnd();
      value = value || rhs;
      skipSpace();
    }
    return value;
  };
  const parseAnd = (): boolean => {
    let value = parseNot();
    skipSpace();
    while (expr.startsWith("&&", i)) {
      i += 2;
      const rhs = parseNot();
      value = value && rhs;
      skipSpace();
    }
    return value;
  };
  const parseNot = (): boolean => {
    if (++operands > MAX_GO_BUILD_OPERANDS) fail("build expression too large");
    skipSpace();
    if (expr[i] !== "!") return parseAtom();
    i++;
    skipSpace();
    if (expr[i] === "!") fail("double negation not allowed");
    return !parseAtom();
  };
  const parseAtom = (): boolean => {
    if (expr[i] === "(") {
      i++;
      const value = parseOr();
      skipSpace();
      if (expr[i] !== ")") fail("missing )");
      i++;
      return value;
    }
    const start = i;
    while (i < expr.length && TAG_CHAR.test(expr[i]!)) i++;
    if (i === start) fail(i >= expr.length ? "unexpected end" : `unexpected ${quoteInput(expr[i]!)}`);
    return tags.has(expr.slice(start, i));
  };
  const value = parseOr();
  skipSpace();
  if (i < expr.length) fail(`unexpected ${quoteInput(expr[i]!)}`);
  return value;
}

/** Evaluates the arguments of one `// +build` line: space = OR, comma = AND, leading ! = NOT. */
function evalPlusBuildArgs(args: string, tags: ReadonlySet<string>): boolean {
  // Counted before anything is split, so an overlong line costs one pass and no allocation.
  if (plusBuildOperators(args) > MAX_PLUS_BUILD_OPERATORS) {
    throw new ConstraintSyntaxError("expression too complex for // +build lines");
  }
  const options = args
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  if (options.length === 0) throw new ConstraintSyntaxError("empty +build line");
  return options.some((option) =>
    option.split(",").every((term) => {
      const negated = term.startsWith("!");
      const tag = negated ? term.slice(1) : term;
      if (tag === "" || tag.startsWith("!") || ![...tag].every((c) => TAG_CHAR.test(c))) {
        throw new ConstraintSyntaxError(`invalid tag ${quoteInput(term)} in +build line`);
      }
      return tags.has(tag) !== negated;
    }),
  );
}

/** ANDs (commas) plus ORs (gaps between space-separated options) on a +build line. */
function plusBuildOperators(args: string): number {
  let operators = -1;
  let inOption = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    const space = c === " " || c === "\t";
    if (c === ",") operators++;
    if (!space && !inOption) operators++;
    inOption = !space;
  }
  return operators;
}

/**
 * Evaluates a constraint: a `//go:build ...` line, one or more `// +build ...` lines (newline-separated,
 * ANDed, as consecutive lines in a file are), or a bare //go:build-style expression.
 * Throws ConstraintSyntaxError on malformed input.
 */
export function evalBuildConstraint(constraint: string, tags: ReadonlySet<string>): boolean {
  const text = constraint.trim();
  if (isGoBuildLine(text)) return evalGoBuildExpr(text.slice("//go:build".length), tags);
  if (isPlusBuildLine(text)) {
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .every((l) => {
        if (!isPlusBuildLine(l)) throw new ConstraintSyntaxError(`not a +build line: ${quoteInput(l)}`);
        return evalPlusBuildArgs(l.slice(2).trimStart().slice("+build".length), tags);
      });
  }
  return evalGoBuildExpr(text, tags);
}

/**
 * The file-name part of build constraints: `x_linux.go`, `x_arm64.go`, `x_windows_amd64.go`.
 * Everything before the first `_` is ignored (so `linux.go` is unconstrained), as is a trailing `_test`.
 */
export function matchFileName(name: string, tags: ReadonlySet<string>): boolean {
  const dot = name.indexOf(".");
  let base = dot < 0 ? name : name.slice(0, dot);
  const underscore = base.indexOf("_");
  if (underscore < 0) return true;
  base = base.slice(underscore);
  const parts = base.split("_");
  if (parts[parts.length - 1] === "test") parts.pop();
  const n = parts.length;
  const last = parts[n - 1]!;
  const beforeLast = parts[n - 2];
  if (n >= 2 && beforeLast !== undefined && KNOWN_OS.has(beforeLast) && KNOWN_ARCH.has(last)) {
    return tags.has(beforeLast) && tags.has(last);
  }
  if (KNOWN_OS.has(last) || KNOWN_ARCH.has(last)) return tags.has(last);
  return true;
}
