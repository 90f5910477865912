import { describe, expect, test, vi } from "vitest";
import { Pattern, PatternMatcher } from "../../../src/buildkit/session/patterns.js";

const matches = (patterns: string[], file: string) => new PatternMatcher(patterns).matchesOrParentMatches(file);

describe("Pattern", () => {
  test.each([
    ["*.go", "main.go", true],
    ["*.go", "cmd/main.go", false],
    ["cmd/*.go", "cmd/main.go", true],
    ["cmd/*", "cmd/sub/main.go", false],
    ["**/*.go", "main.go", true],
    ["**/*.go", "a/b/c/main.go", true],
    ["**/*.go", "a/b/main.gox", false],
    ["a/**/z", "a/z", true],
    ["a/**/z", "a/b/c/z", true],
    ["vendor/**", "vendor/x/y", true],
    ["vendor/**", "vendorx", false],
    ["**", "anything/at/all", true],
    ["?.txt", "a.txt", true],
    ["?.txt", "ab.txt", false],
    ["?.txt", "/.txt", false],
    ["[a-c].txt", "b.txt", true],
    ["[a-c].txt", "d.txt", false],
    ["[^a].txt", "a.txt", false],
    ["file\\*", "file*", true],
    ["file\\*", "filex", false],
    ["a.b", "axb", false],
    ["(x)+", "(x)+", true],
    ["./docs/", "docs", true],
    ["docs//api/../guide", "docs/guide", true],
    ["ünï*", "ünïcode", true],
    ["?", "ü", true],
  ])("%s against %s → %s", (pattern, file, expected) => {
    expect(new Pattern(pattern).matches(file)).toBe(expected);
  });

  test("a leading ! makes an exclusion", () => {
    const p = new Pattern("!keep/*.md");
    expect(p.exclusion).toBe(true);
    expect(p.text).toBe("keep/*.md");
  });

  test("malformed patterns are rejected when built", () => {
    expect(() => new Pattern("[abc")).toThrow(/invalid pattern/);
    expect(() => new Pattern("!")).toThrow(/illegal exclusion pattern/);
  });

  test("trailing globs are dropped for prefix checks", () => {
    expect(new Pattern("src/**").withoutTrailingGlob()).toBe("src");
    expect(new Pattern("src/*").withoutTrailingGlob()).toBe("src");
    expect(new Pattern("src/*.go").withoutTrailingGlob()).toBe("src/*.go");
  });
});

describe("PatternMatcher", () => {
  test("a pattern matching a directory matches everything inside it", () => {
    expect(matches(["node_modules"], "node_modules/x/y.js")).toBe(true);
    expect(matches(["node_modules"], "src/node_modules/x.js")).toBe(false);
    expect(matches(["**/node_modules"], "src/node_modules/x.js")).toBe(true);
  });

  test("later exclusions re-include, later inclusions win again", () => {
    expect(matches(["*.log", "!important.log"], "important.log")).toBe(false);
    expect(matches(["*.log", "!important.log"], "debug.log")).toBe(true);
    expect(matches(["*.log", "!important.log", "important*"], "important.log")).toBe(true);
    expect(matches(["docs", "!docs/keep.md"], "docs/keep.md")).toBe(false);
    expect(matches(["docs", "!docs/keep.md"], "docs/drop.md")).toBe(true);
  });

  test("blank patterns are ignored and exclusions are reported", () => {
    const m = new PatternMatcher(["", "  ", "a", "!b"]);
    expect(m.patterns.map((p) => p.text)).toEqual(["a", "b"]);
    expect(m.hasExclusions).toBe(true);
    expect(new PatternMatcher(["a"]).hasExclusions).toBe(false);
  });

  test("parent results give the same answer as checking every parent", () => {
    const m = new PatternMatcher(["src", "!src/keep", "**/*.tmp"]);
    const dir = m.matchesUsingParentResults("src", undefined);
    const keep = m.matchesUsingParentResults("src/keep", dir.info);
    const other = m.matchesUsingParentResults("src/other", dir.info);
    expect(dir.matched).toBe(true);
    expect(keep.matched).toBe(m.matchesOrParentMatches("src/keep"));
    expect(other.matched).toBe(m.matchesOrParentMatches("src/other"));
    expect(m.matchesUsingParentResults("src/keep/x.tmp", keep.info).matched).toBe(true);
  });
});

describe("PatternMatcher's index by literal prefix", () => {
  /** The rule without any index: every pattern in order, each tested on the path and all its parents. */
  function reference(patterns: Pattern[], file: string): boolean {
    const parents = file
      .split("/")
      .map((_, i, parts) => parts.slice(0, i).join("/"))
      .slice(1);
    let matched = false;
    for (const pattern of patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.matches(file) || parents.some((dir) => pattern.matches(dir))) matched = !pattern.exclusion;
    }
    return matched;
  }

  /** A small deterministic generator (no Math.random: a failure must be reproducible). */
  function random(seed: number) {
    let state = seed;
    return (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
  }

  test("gives the same answers as testing every pattern, for random patterns, exceptions and paths", () => {
    const next = random(12);
    const pick = <T>(items: T[]) => items[next(items.length)]!;
    const segments = ["a", "b", "ab", "ba", "x.go", "a.b"];
    const globs = ["a", "b", "ab", "*", "**", "a*", "*.go", "?", "[ab]", "a.b", "b?"];
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const texts = Array.from({ length: 1 + next(6) }, () => {
        const text = Array.from({ length: 1 + next(3) }, () => pick(globs)).join("/");
        return next(4) === 0 ? `!${text}` : text;
      });
      const matcher = new PatternMatcher(texts);
      for (let f = 0; f < 20; f++) {
        const parts = Array.from({ length: 1 + next(4) }, () => pick(segments));
        const file = parts.join("/");
        const expected = reference(matcher.patterns, file);
        expect(matcher.matchesOrParentMatches(file), `${JSON.stringify(texts)} on ${file}`).toBe(expected);
        // Walking down with the parents' results gives the same answer as starting from scratch.
        let info: readonly number[] | undefined;
        let walked = false;
        for (let depth = 1; depth <= parts.length; depth++) {
          const result = matcher.matchesUsingParentResults(parts.slice(0, depth).join("/"), info);
          info = result.info;
          walked = result.matched;
        }
        expect(walked, `${JSON.stringify(texts)} walking to ${file}`).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(6000);
  });

  test("hasPatternUnder agrees with a scan of every pattern", () => {
    const m = new PatternMatcher(["src/app/*.go", "src/lib/**", "!src/lib/keep", "docs", "srcx/y"]);
    const scan = (rel: string, exclusion: boolean) =>
      m.patterns.some((p) => p.exclusion === exclusion && `${p.withoutTrailingGlob()}/`.startsWith(`${rel}/`));
    for (const rel of ["src", "src/app", "src/lib", "src/li", "srcx", "docs", "doc", "other", "src/lib/keep"]) {
      expect(m.hasPatternUnder(rel, false), rel).toBe(scan(rel, false));
      expect(m.hasPatternUnder(rel, true), rel).toBe(scan(rel, true));
    }
    expect(m.hasPatternUnder("src", false)).toBe(true);
    expect(m.hasPatternUnder("src/li", false)).toBe(false);
  });

  test("5,000 directory patterns over 5,000 directories: only the pattern that can match is tested per path", () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `assets/team-${i % 40}/bundle-${i}/*.json`);
    const m = new PatternMatcher(texts);
    const tests = vi.spyOn(Pattern.prototype, "matches");
    let matched = 0;
    for (let i = 0; i < 5000; i++) {
      const dir = m.matchesUsingParentResults(`assets/team-${i % 40}/bundle-${i}`, []);
      if (m.matchesUsingParentResults(`assets/team-${i % 40}/bundle-${i}/data.json`, dir.info).matched) matched++;
    }
    expect(matched).toBe(5000);
    // Without the index: 5,000 tests per path, 50 million in all (seconds of a walk).
    expect(tests.mock.calls.length).toBeLessThanOrEqual(2 * 5000);
    tests.mockRestore();
  });
});
