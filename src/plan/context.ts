import type { Analysis } from "../analyze/types.js";

/**
 * What the build context must send: module files, the Go (and cgo) sources of every package the chosen
 * targets import, and their embed patterns. Patterns are relative to the context root, in the syntax of
 * BuildKit local-source include patterns; sending nothing else keeps uploads small and cache keys stable.
 */

export const CONTEXT_EXCLUDES = ["**/*_test.go", "**/.git", "**/node_modules"];

/** "./cmd/api" → "cmd/api/", "." → "" */
function dirPrefix(dir: string): string {
  if (dir === ".") return "";
  return `${dir.replace(/^\.\//, "")}/`;
}

function extensionPatterns(prefix: string, files: string[]): string[] {
  const exts = new Set<string>();
  for (const file of files) {
    const base = file.split("/").pop() ?? file;
    const dot = base.lastIndexOf(".");
    exts.add(dot > 0 ? base.slice(dot) : base);
  }
  return [...exts].map((ext) => (ext.startsWith(".") ? `${prefix}*${ext}` : `${prefix}${ext}`));
}

const packagePatternIndex = new WeakMap<Analysis, Map<string, readonly string[]>>();

/** One package's patterns: its Go sources, its other files by extension, its embed patterns. */
function packagePatterns(pkg: Analysis["packages"][number]): string[] {
  const prefix = dirPrefix(pkg.dir);
  const patterns = [`${prefix}*.go`, ...extensionPatterns(prefix, pkg.otherFiles)];
  for (const raw of pkg.embedPatterns) {
    const pattern = raw.replace(/^all:/, "");
    patterns.push(`${prefix}${pattern}`);
    // An embed pattern naming a directory embeds its tree.
    patterns.push(`${prefix}${pattern}/**`);
  }
  return patterns;
}

/**
 * Every package's patterns by dir, built once per analysis: plans call contextIncludes once per target, and
 * in a large tree every target imports hundreds of the same packages.
 */
function patternsByDir(analysis: Analysis): Map<string, readonly string[]> {
  let index = packagePatternIndex.get(analysis);
  if (!index) {
    index = new Map(analysis.packages.map((p) => [p.dir, packagePatterns(p)]));
    packagePatternIndex.set(analysis, index);
  }
  return index;
}

/** `moduleDirs`: only these modules' files (a standalone module's compile sees only its own build). */
export function contextIncludes(
  analysis: Analysis,
  packageDirs: Iterable<string>,
  extra: string[],
  moduleDirs?: ReadonlySet<string>,
): string[] {
  const patterns = new Set<string>();
  if (analysis.workspace) {
    patterns.add("go.work");
    if (analysis.workspace.hasGoWorkSum) patterns.add("go.work.sum");
  }
  for (const mod of analysis.modules) {
    if (moduleDirs && !moduleDirs.has(mod.dir)) continue;
    const prefix = dirPrefix(mod.dir);
    patterns.add(`${prefix}go.mod`);
    if (mod.hasGoSum) patterns.add(`${prefix}go.sum`);
    if (mod.hasVendor) patterns.add(`${prefix}vendor/**`);
  }
  const byDir = patternsByDir(analysis);
  for (const dir of packageDirs) {
    for (const p of byDir.get(dir) ?? []) patterns.add(p);
  }
  for (const p of extra) patterns.add(p);
  return [...patterns].sort();
}
