/**
 * `.dockerignore`-style pattern matching with the semantics of github.com/moby/patternmatcher, which the
 * daemon expects the client to apply to `include-patterns` / `exclude-patterns`: patterns are cleaned,
 * `!` re-includes, `*` and `?` stop at `/`, `**` spans directories, and a pattern matching a directory
 * matches everything below it.
 */
import path from "node:path";

type MatchKind = "exact" | "prefix" | "suffix" | "regexp";

export class Pattern {
  readonly exclusion: boolean;
  /** The cleaned pattern without its leading `!`. */
  readonly text: string;
  private readonly kind: MatchKind;
  private readonly regexp?: RegExp;

  constructor(raw: string) {
    let text = path.posix.normalize(raw.trim());
    if (text.length > 1 && text.endsWith("/")) text = text.slice(0, -1);
    this.exclusion = text.startsWith("!");
    if (this.exclusion) {
      if (text.length === 1) throw new Error('illegal exclusion pattern: "!"');
      text = text.slice(1);
    }
    this.text = text;
    const compiled = compile(text);
    this.kind = compiled.kind;
    this.regexp = compiled.regexp;
  }

  matches(file: string): boolean {
    switch (this.kind) {
      case "exact":
        return file === this.text;
      case "prefix":
        return file.startsWith(this.text.slice(0, -2));
      case "suffix": {
        const suffix = this.text.slice(2);
        return file.endsWith(suffix) || (suffix.startsWith("/") && file === suffix.slice(1));
      }
      case "regexp":
        return this.regexp!.test(file);
    }
  }

  /** The pattern with a trailing `/**` or `/*` removed (used to decide whether a directory can be skipped). */
  withoutTrailingGlob(): string {
    let s = this.text;
    if (s.endsWith("/**")) s = s.slice(0, -3);
    if (s.endsWith("/*")) s = s.slice(0, -2);
    return s;
  }
}

const REGEXP_SPECIAL = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);
const JS_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/** Translates one pattern like patternmatcher does: a fast path when possible, otherwise an anchored regexp. */
function compile(pattern: string): { kind: MatchKind; regexp?: RegExp } {
  let source = "^";
  let kind: MatchKind = "exact";
  const chars = Array.from(pattern);
  for (let i = 0, first = true; i < chars.length; first = false) {
    const ch = chars[i++]!;
    if (ch === "*") {
      if (chars[i] === "*") {
        i++;
        if (chars[i] === "/") i++;
        if (i >= chars.length) {
          if (kind === "exact") kind = "prefix";
          else {
            source += ".*";
            kind = "regexp";
          }
        } else {
          source += "(.*/)?";
          kind = "regexp";
        }
        if (first) kind = "suffix";
      } else {
        source += "[^/]*";
        kind = "regexp";
      }
    } else if (ch === "?") {
      source += "[^/]";
      kind = "regexp";
    } else if (REGEXP_SPECIAL.has(ch)) {
      source += `\\${ch}`;
    } else if (ch === "\\") {
      if (i < chars.length) {
        const next = chars[i++]!;
        source += JS_SYNTAX.test(next) ? `\\${next}` : next;
        kind = "regexp";
      } else {
        source += "\\\\";
      }
    } else if (ch === "[" || ch === "]") {
      source += ch;
      kind = "regexp";
    } else {
      source += ch;
    }
  }
  if (kind !== "regexp") return { kind };
  try {
    return { kind, regexp: new RegExp(`${source}$`, "u") };
  } catch {
    throw new Error(`invalid pattern ${JSON.stringify(pattern)}`);
  }
}

/** Per-pattern results for a directory, handed to its children (patternmatcher's MatchInfo). */
export type MatchInfo = boolean[] | undefined;

export class PatternMatcher {
  readonly patterns: Pattern[];
  readonly hasExclusions: boolean;

  constructor(patterns: string[]) {
    this.patterns = patterns.filter((p) => p.trim() !== "").map((p) => new Pattern(p));
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  /** Whether `file` (slash-separated, relative) or one of its parents matches, after `!` exceptions. */
  matchesOrParentMatches(file: string): boolean {
    return this.matchesUsingParentResults(file, undefined).matched;
  }

  /**
   * Like matchesOrParentMatches, but reuses the parent directory's per-pattern results so a walk does not
   * re-test every ancestor for every file.
   */
  matchesUsingParentResults(file: string, parent: MatchInfo): { matched: boolean; info: boolean[] } {
    const info = new Array<boolean>(this.patterns.length).fill(false);
    let matched = false;
    this.patterns.forEach((pattern, i) => {
      let match = parent?.[i] ?? false;
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.matches(file);
        if (!match && parent === undefined) match = parentMatches(pattern, file);
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { matched, info };
  }
}

function parentMatches(pattern: Pattern, file: string): boolean {
  const dir = path.posix.dirname(file);
  if (dir === ".") return false;
  const parts = dir.split("/");
  for (let i = 1; i <= parts.length; i++) {
    if (pattern.matches(parts.slice(0, i).join("/"))) return true;
  }
  return false;
}
