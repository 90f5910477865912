/** Relative posix paths as the analysis reports them: "./a/b" for directories, "." for the root. */
import * as path from "node:path";

/** posix path of `abs` relative to `root` ("" for the root itself), or undefined when outside root. */
export function relativeInside(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs);
  if (rel === "") return "";
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join("/");
}

/** "" → ".", "a/b" → "./a/b" */
export function dotDir(rel: string): string {
  return rel === "" ? "." : `./${rel}`;
}

/** "./a/b" → "a/b", "." → "" */
export function plainDir(dir: string): string {
  return dir === "." ? "" : dir.replace(/^\.\//, "");
}

/** Joins a plain relative dir and a name: ("", "go.mod") → "go.mod", ("a", "go.mod") → "a/go.mod", ("a", "") → "a". */
export function joinRel(rel: string, name: string): string {
  if (rel === "") return name;
  return name === "" ? rel : `${rel}/${name}`;
}

/** Byte-order comparison, independent of locale (for deterministic sorting). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorted unique strings. The default sort compares UTF-16 code units, the same order as compareStrings,
 * and runs natively (no comparator call per comparison).
 */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
