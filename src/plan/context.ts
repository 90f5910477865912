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

const packageIndex = new WeakMap<Analysis, Map<string, Analysis["packages"][number]>>();

/** The analysis' packages by dir, built once per analysis (plans call contextIncludes once per target). */
function packagesByDir(analysis: Analysis): Map<string, Analysis["packages"][number]> {
  let index = packageIndex.get(analysis);
  if (!index) {
    index = new Map(analysis.packages.map((p) => [p.dir, p]));
    packageIndex.set(analysis, index);
  }
  return index;
}

export function contextIncludes(analysis: Analysis, packageDirs: Iterable<string>, extra: string[]): string[] {
  const patterns = new Set<string>();
  if (analysis.workspace) {
    patterns.add("go.work");
    if (analysis.workspace.hasGoWorkSum) patterns.add("go.work.sum");
  }
  for (const mod of analysis.modules) {
    const prefix = dirPrefix(mod.dir);
    patterns.add(`${prefix}go.mod`);
    if (mod.hasGoSum) patterns.add(`${prefix}go.sum`);
    if (mod.hasVendor) patterns.add(`${prefix}vendor/**`);
  }
  const byDir = packagesByDir(analysis);
  for (const dir of packageDirs) {
    const pkg = byDir.get(dir);
    if (!pkg) continue;
    const prefix = dirPrefix(dir);
    patterns.add(`${prefix}*.go`);
    for (const p of extensionPatterns(prefix, pkg.otherFiles)) patterns.add(p);
    for (const raw of pkg.embedPatterns) {
      const pattern = raw.replace(/^all:/, "");
      patterns.add(`${prefix}${pattern}`);
      // An embed pattern naming a directory embeds its tree.
      patterns.add(`${prefix}${pattern}/**`);
    }
  }
  for (const p of extra) patterns.add(p);
  return [...patterns].sort();
}
