/**
 * Walking the directories of the build modules the way `go list ./...` does, scanning each Go file once.
 * Skipped: `testdata`, `vendor`, names starting with `.` or `_`, directories with their own go.mod (another
 * module — walked separately when it belongs to the build), paths matched by go.mod `ignore`, and symlinked
 * directories (the go command does not follow them either).
 *
 * I/O is synchronous on purpose. On the benchmark tree (3,536 non-test Go files, warm page cache, 2 CPUs)
 * reading every file took 20–50 ms with sync calls and 270–1,700 ms with fs.promises.readFile at
 * concurrency 4–64: a read costs far less than a promise round trip through the libuv thread pool.
 * Async readdir was at best ~20 ms faster than sync on the same tree — not worth a second code path.
 * See docs/benchmarks-plan.md.
 */
import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import * as path from "node:path";
import { matchFileName } from "./constraint.js";
import { printableName, warningLine } from "./findings.js";
import { assemblePackage, type DirectoryScan, OTHER_SOURCE_EXTENSIONS } from "./package.js";
import { compareStrings, joinRel, plainDir } from "./paths.js";
import { type GoFileScan, scanLatin1 } from "./scan-go-file.js";
import type { ModuleInfo, PackageInfo } from "./types.js";

export interface WalkOptions {
  root: string; // absolute
  modules: ModuleInfo[];
  tags: { withCgo: ReadonlySet<string>; withoutCgo: ReadonlySet<string> };
}

/** go.mod `ignore` entries: "./x" matches x at the module root, "x" matches a path element sequence anywhere. */
function ignoreMatcher(patterns: string[]): (relToModule: string) => boolean {
  if (patterns.length === 0) return () => false;
  const norm = (p: string) => `/${p.replace(/^\/+|\/+$/g, "")}/`;
  const rooted = patterns.filter((p) => p.startsWith("./")).map((p) => norm(p.slice(2)));
  const anywhere = patterns.filter((p) => !p.startsWith("./")).map(norm);
  return (rel) => {
    const dir = norm(rel);
    return rooted.some((p) => dir.startsWith(p)) || anywhere.some((p) => dir.includes(p));
  };
}

/**
 * Go files are read in one 8 KiB read into a reused buffer. Most files fit; for a larger one the first
 * chunk is usually enough (build constraints, package clause and imports come first), and the rest is
 * read only when the scanner asks for it (the file imports aws-lambda-go or embed, or its imports run on).
 */
const CHUNK_SIZE = 8192;
const chunk = Buffer.allocUnsafe(CHUNK_SIZE);

export function readAndScan(abs: string, file: string, tags: WalkOptions["tags"]): GoFileScan {
  const fd = openSync(abs, "r");
  try {
    const n = readSync(fd, chunk, 0, CHUNK_SIZE, 0);
    if (n < CHUNK_SIZE) return scanLatin1(chunk.toString("latin1", 0, n), { file, tags });
    // Cut after the last complete line so no token (or UTF-8 sequence) is split.
    const cut = chunk.lastIndexOf(10, n - 1) + 1;
    const head = scanLatin1(chunk.toString("latin1", 0, cut), { file, tags, truncated: true });
    if (!head.incomplete) return head;
    const whole = Buffer.allocUnsafe(Math.max(fstatSync(fd).size, n));
    let total = 0;
    for (let got = -1; got !== 0 && total < whole.length; total += got) {
      got = readSync(fd, whole, total, whole.length - total, total);
    }
    return scanLatin1(whole.toString("latin1", 0, total), { file, tags });
  } finally {
    closeSync(fd);
  }
}

/** root + posix rel by concatenation: path.join's normalisation showed up in profiles, and rel is clean. */
function absoluteDir(root: string, rel: string): string {
  return rel === "" ? root : `${root}${path.sep}${rel}`;
}

function skipDirName(name: string): boolean {
  return name === "testdata" || name === "vendor" || name.startsWith(".") || name.startsWith("_");
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot);
}

function readDir(abs: string, warnings: string[], rel: string): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    warnings.push(warningLine(`cannot read directory: ${code}`, rel || ".", "fix its permissions; rpk skips it"));
    return [];
  }
  // Node decodes names that are not UTF-8 with U+FFFD; such a name cannot be opened through the string.
  return entries.some((e) => e.name.includes("\uFFFD")) ? dropNonUtf8Names(abs, rel, entries, warnings) : entries;
}

/** Warns about the entries whose names are not valid UTF-8 (the go command rejects them) and leaves them out. */
function dropNonUtf8Names(abs: string, rel: string, entries: Dirent[], warnings: string[]): Dirent[] {
  const decodable = new Set<string>();
  for (const raw of readdirSync(abs, { encoding: "buffer" })) {
    const name = raw.toString("utf8");
    if (Buffer.from(name, "utf8").equals(raw)) {
      decodable.add(name);
      continue;
    }
    const shown = joinRel(rel, printableName(raw));
    warnings.push(warningLine("name is not valid UTF-8", shown, "rename it; rpk leaves it out of the analysis"));
  }
  return entries.filter((e) => decodable.has(e.name));
}

/** Is this directory entry a regular file / a directory, following symlinks for files only? */
function entryKind(abs: string, entry: Dirent): "file" | "dir" | "dangling" | "other" {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "dir";
  if (entry.isSymbolicLink()) {
    try {
      return statSync(path.join(abs, entry.name)).isFile() ? "file" : "other";
    } catch {
      return "dangling";
    }
  }
  return "other";
}

function scanDirectory(
  o: WalkOptions,
  module: ModuleInfo,
  rel: string,
  relToModule: string,
  entries: Dirent[],
  warnings: string[],
): { packageInfo?: PackageInfo; subdirs: string[] } {
  const abs = absoluteDir(o.root, rel);
  const subdirs: string[] = [];
  const scan: DirectoryScan = { rel, module, relToModule, scans: [], otherFiles: [] };
  for (const entry of entries) {
    const name = entry.name;
    const kind = entryKind(abs, entry);
    if (kind === "dir") {
      if (!skipDirName(name)) subdirs.push(name);
      continue;
    }
    if (name.startsWith("_") || name.startsWith(".")) continue;
    if (kind === "dangling" && name.endsWith(".go") && !name.endsWith("_test.go")) {
      const fix = "fix or remove the link; rpk leaves it out";
      warnings.push(warningLine("cannot read Go file: dangling symlink", joinRel(rel, name), fix));
    }
    if (kind !== "file") continue;
    if (name.endsWith(".go")) {
      if (name.endsWith("_test.go") || !matchFileName(name, o.tags.withCgo)) continue;
      const file = joinRel(rel, name);
      try {
        scan.scans.push(readAndScan(`${abs}${path.sep}${name}`, file, o.tags));
      } catch (error) {
        // Only I/O errors are a finding about the file; anything else is a scanner bug and must surface.
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code !== "string") throw error;
        warnings.push(warningLine(`cannot read Go file: ${code}`, file, "fix its permissions; rpk leaves it out"));
      }
    } else if (OTHER_SOURCE_EXTENSIONS.has(extensionOf(name)) && matchFileName(name, o.tags.withCgo)) {
      scan.otherFiles.push(name);
    }
  }
  const packageInfo = scan.scans.length > 0 ? assemblePackage(scan, warnings) : undefined;
  return packageInfo ? { packageInfo, subdirs } : { subdirs };
}

/** Walks every build module and returns its packages (sorted by dir) and non-fatal findings. */
export function walkPackages(o: WalkOptions): { packages: PackageInfo[]; warnings: string[] } {
  const packages: PackageInfo[] = [];
  const warnings: string[] = [];
  for (const module of o.modules) {
    const moduleRel = plainDir(module.dir);
    const ignored = ignoreMatcher(module.goMod.ignore);
    const stack: string[] = [""]; // directories relative to the module dir
    while (stack.length > 0) {
      const relToModule = stack.pop()!;
      const rel = joinRel(moduleRel, relToModule);
      const entries = readDir(absoluteDir(o.root, rel), warnings, rel);
      // A nested go.mod starts another module: not part of this one.
      if (relToModule !== "" && entries.some((e) => e.name === "go.mod" && !e.isDirectory())) continue;
      const { packageInfo, subdirs } = scanDirectory(o, module, rel, relToModule, entries, warnings);
      if (packageInfo) packages.push(packageInfo);
      for (const name of subdirs) {
        const child = joinRel(relToModule, name);
        if (!ignored(child)) stack.push(child);
      }
    }
  }
  packages.sort((a, b) => compareStrings(a.dir, b.dir));
  return { packages, warnings: warnings.sort(compareStrings) };
}
