import { describe, expect, test } from "vitest";
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
