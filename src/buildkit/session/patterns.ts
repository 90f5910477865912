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
  /**
   * Every path this pattern matches starts with this string (the text before its first wildcard; "" for a
   * pattern starting with `**`): lets a matcher with thousands of patterns test only the few that can match.
   */
  readonly literalPrefix: string;
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
    this.literalPrefix = literalPrefix(text, compiled.kind);
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

/** The start every match shares, by the way `matches` tests each kind. */
function literalPrefix(text: string, kind: MatchKind): string {
  switch (kind) {
    case "exact":
      return text;
    case "prefix":
      return text.slice(0, -2);
    case "suffix":
      return "";
    case "regexp": {
      // Characters before the first wildcard or escape are literal in the compiled expression.
      const wildcard = text.search(/[*?[\]\\]/);
      return wildcard < 0 ? text : text.slice(0, wildcard);
    }
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

/**
 * The indexes of the patterns a directory matched (ascending), handed to its children (patternmatcher's
 * MatchInfo, kept sparse: a directory matches a handful of thousands of patterns).
 */
export type MatchInfo = readonly number[] | undefined;

export class PatternMatcher {
  readonly patterns: Pattern[];
  readonly hasExclusions: boolean;
  /** Pattern indexes by literal prefix, ascending within each list. */
  private readonly byPrefix = new Map<string, number[]>();
  private readonly longestPrefix: number;
  /** `withoutTrailingGlob()/` of the patterns and of the exceptions, sorted (for hasPatternUnder). */
  private readonly inclusionTexts: string[];
  private readonly exclusionTexts: string[];

  constructor(patterns: string[]) {
    this.patterns = patterns.filter((p) => p.trim() !== "").map((p) => new Pattern(p));
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
    this.patterns.forEach((pattern, i) => {
      const list = this.byPrefix.get(pattern.literalPrefix);
      if (list) list.push(i);
      else this.byPrefix.set(pattern.literalPrefix, [i]);
    });
    this.longestPrefix = Math.max(0, ...[...this.byPrefix.keys()].map((k) => k.length));
    const texts = (exclusion: boolean) =>
      this.patterns
        .filter((p) => p.exclusion === exclusion)
        .map((p) => `${p.withoutTrailingGlob()}/`)
        .sort();
    this.inclusionTexts = texts(false);
    this.exclusionTexts = texts(true);
  }

  /** Whether `file` (slash-separated, relative) or one of its parents matches, after `!` exceptions. */
  matchesOrParentMatches(file: string): boolean {
    return this.matchesUsingParentResults(file, undefined).matched;
  }

  /**
   * Like matchesOrParentMatches, but reuses the parent directory's per-pattern results so a walk does not
   * re-test every ancestor for every file.
   *
   * Patterns are applied in order, each one able to flip the result (`!` re-includes). Only patterns whose
   * literal prefix starts `file` can match it or any of its parents, and a pattern the parent matched has
   * such a prefix too; every other pattern would leave the result as it is, so it is not tested. With 5,000
   * include patterns that is what keeps a walk linear instead of 5,000 tests per file.
   */
  matchesUsingParentResults(file: string, parent: MatchInfo): { matched: boolean; info: number[] } {
    const inherited = new Set(parent);
    const info: number[] = [];
    let matched = false;
    for (const i of this.candidates(file, parent)) {
      const pattern = this.patterns[i]!;
      let match = inherited.has(i);
      if (!match) {
        if (pattern.exclusion !== matched) continue;
        match = pattern.matches(file);
        if (!match && parent === undefined) match = parentMatches(pattern, file);
      }
      if (match) {
        info.push(i);
        matched = !pattern.exclusion;
      }
    }
    return { matched, info };
  }

  /**
   * Whether a pattern (an exception when `exclusion`) names something inside directory `rel`: its text
   * without a trailing `/**` or `/*` is under `rel/`. A binary search over the sorted texts.
   */
  hasPatternUnder(rel: string, exclusion: boolean): boolean {
    const sorted = exclusion ? this.exclusionTexts : this.inclusionTexts;
    const needle = `${rel}/`;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid]! < needle) low = mid + 1;
      else high = mid;
    }
    return low < sorted.length && sorted[low]!.startsWith(needle);
  }

  /** Indexes (ascending) of the patterns whose literal prefix starts `file`, and those the parent matched. */
  private candidates(file: string, parent: MatchInfo): number[] {
    const found: number[] = [...(parent ?? [])];
    const longest = Math.min(file.length, this.longestPrefix);
    for (let length = 0; length <= longest; length++) {
      const list = this.byPrefix.get(file.slice(0, length));
      if (list) found.push(...list);
    }
    return [...new Set(found)].sort((a, b) => a - b);
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
