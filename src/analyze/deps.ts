/**
 * Reading third-party packages the way local packages are read, for the two questions the plan needs
 * answered about each main: does anything it imports need cgo, and does anything start the Lambda runtime
 * (an adapter such as algnhsa.ListenAndServe calls lambda.StartWithOptions inside another module)?
 *
 * Only packages the main actually imports are read, each once per analysis. A package's sources come from
 * vendor/ or the module cache (see modcache.ts); when they are not on the machine the answer is unknown and
 * the module is recorded, never guessed.
 *
 * When a dependency package needs cgo (the rule, also the local packages' rule in package.ts):
 *  - a file selected for linux/<arch> imports "C" without a `cgo` build constraint, so no pure-Go twin can
 *    stand in for it with CGO_ENABLED=0; or
 *  - with CGO_ENABLED=0 no Go file of the package is left (every file imports "C" or requires the cgo tag); or
 *  - its module is known to need cgo although it compiles without (KNOWN_CGO_MODULES: stubs that fail at run
 *    time).
 * A package whose "C" files are guarded by `//go:build cgo` next to `//go:build !cgo` files (a pure-Go
 * fallback) does not need cgo.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { matchFileName } from "./constraint.js";
import { isStandardImport, type ModuleSources, type PackageLocation } from "./modcache.js";
import { KNOWN_CGO_MODULES } from "./package.js";
import { compareStrings, plainDir } from "./paths.js";
import type { GoFileScan } from "./scan-go-file.js";
import type { AnswerSource, LambdaStartCall, MainPackage, PackageInfo } from "./types.js";
import { readAndScan } from "./walk.js";

/** aws-lambda-go itself: pure Go, and its own lambda.Start calls (lambdaurl → lambda) are not a user's start. */
export const LAMBDA_GO_MODULE = "github.com/aws/aws-lambda-go";
/** Releases before this one only speak the go1.x runtime's RPC protocol (no Runtime API client). */
export const LAMBDA_GO_MIN_VERSION = "v1.18.0";

export interface DependencyOptions {
  root: string;
  sources: ModuleSources;
  tags: { withCgo: ReadonlySet<string>; withoutCgo: ReadonlySet<string> };
  /** Module paths of the build (their packages are local, never dependencies). */
  localModules: string[];
}

interface Found<T> {
  /** Import paths from the package asked about down to the one that answers. */
  chain: string[];
  what: T;
  source: PackageLocation["source"];
}

/** What a dependency package and everything below it contribute. */
interface Reach {
  cgo?: Found<string>;
  start?: Found<LambdaStartCall>;
  read: Set<PackageLocation["source"]>;
  missing: Set<string>;
}

interface DepPackage {
  imports: string[];
  cgoWhy?: string;
  start?: LambdaStartCall;
}

const EMPTY: Reach = { read: new Set(), missing: new Set() };

function inModule(importPath: string, modules: readonly string[]): string | undefined {
  return modules.find((m) => importPath === m || importPath.startsWith(`${m}/`));
}

function scanDir(dir: string, label: string, tags: DependencyOptions["tags"]): GoFileScan[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const scans: GoFileScan[] = [];
  for (const name of names.sort(compareStrings)) {
    if (!name.endsWith(".go") || name.endsWith("_test.go") || name.startsWith("_") || name.startsWith(".")) continue;
    if (!matchFileName(name, tags.withCgo)) continue;
    try {
      scans.push(readAndScan(path.join(dir, name), `${label}/${name}`, tags));
    } catch {
      // An unreadable file in the module cache: the go command would fail on it too; nothing to learn here.
    }
  }
  return scans.filter((s) => !s.problem && s.packageName !== undefined && s.packageName !== "documentation");
}

/** Reads one dependency package (see the file comment for the cgo rule). */
function readDependency(location: PackageLocation, tags: DependencyOptions["tags"]): DepPackage {
  const scans = scanDir(location.dir!, location.importPath, tags).filter((s) => s.buildsWithCgo || s.buildsWithoutCgo);
  const imports = new Set<string>();
  for (const s of scans) for (const i of s.imports) imports.add(i.path);
  const pkg: DepPackage = { imports: [...imports].sort() };
  const unguardedC = scans.find((s) => s.importsC && s.buildsWithCgo && s.buildsWithoutCgo);
  const anyC = scans.find((s) => s.importsC && s.buildsWithCgo);
  const withoutCgo = scans.filter((s) => s.buildsWithoutCgo && !s.importsC);
  if (unguardedC) pkg.cgoWhy = `${baseName(unguardedC.file)} imports "C"`;
  else if (anyC && withoutCgo.length === 0) pkg.cgoWhy = `${baseName(anyC.file)} imports "C", no pure-Go fallback`;
  else if (inModule(location.importPath, KNOWN_CGO_MODULES)) pkg.cgoWhy = "known to need cgo";
  if (!inModule(location.importPath, [LAMBDA_GO_MODULE])) {
    const start = scans.flatMap((s) => s.lambdaStarts)[0];
    if (start) pkg.start = start;
  }
  return pkg;
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/** Depth-first over dependency packages with one memo per analysis (Go import graphs have no cycles). */
class DependencyWalker {
  private readonly memo = new Map<string, Reach>();

  constructor(private readonly o: DependencyOptions) {}

  /** Is this an import that leads into third-party code? */
  isDependency(importPath: string): boolean {
    return importPath !== "C" && !isStandardImport(importPath) && !inModule(importPath, this.o.localModules);
  }

  reach(importPath: string, fromModuleDir?: string): Reach {
    const known = this.memo.get(importPath);
    if (known) return known;
    this.memo.set(importPath, EMPTY); // a cycle (invalid Go) ends here instead of recursing forever
    const result = this.compute(importPath, fromModuleDir);
    this.memo.set(importPath, result);
    return result;
  }

  private compute(importPath: string, fromModuleDir?: string): Reach {
    if (inModule(importPath, [LAMBDA_GO_MODULE])) return EMPTY;
    const location = this.o.sources.locate(importPath, fromModuleDir);
    if (!location) return { read: new Set(), missing: new Set([`${importPath} (no required module provides it)`]) };
    const source = location.source;
    if (inModule(importPath, KNOWN_CGO_MODULES)) {
      return {
        cgo: { chain: [importPath], what: "known to need cgo", source },
        read: new Set([source]),
        missing: new Set(),
      };
    }
    if (location.missing !== undefined) return { read: new Set(), missing: new Set([location.missing]) };
    const pkg = readDependency(location, this.o.tags);
    const out: Reach = { read: new Set([source]), missing: new Set() };
    if (pkg.cgoWhy) out.cgo = { chain: [importPath], what: pkg.cgoWhy, source };
    if (pkg.start) out.start = { chain: [importPath], what: pkg.start, source };
    for (const imp of pkg.imports) {
      if (!this.isDependency(imp)) continue;
      const below = this.reach(imp, location.moduleDir);
      for (const s of below.read) out.read.add(s);
      for (const m of below.missing) out.missing.add(m);
      out.cgo = nearer(out.cgo, below.cgo, importPath);
      out.start = nearer(out.start, below.start, importPath);
    }
    return out;
  }
}

/** The shorter of a package's own answer and one found below it (prefixed with the package). */
function nearer<T>(current: Found<T> | undefined, below: Found<T> | undefined, via: string): Found<T> | undefined {
  if (!below) return current;
  if (current && current.chain.length <= below.chain.length + 1) return current;
  return { ...below, chain: [via, ...below.chain] };
}

/** Local packages reachable from `main`, breadth first, with the import chain to each. */
function localChains(main: PackageInfo, byPath: Map<string, PackageInfo>): Map<PackageInfo, string[]> {
  const chains = new Map<PackageInfo, string[]>([[main, [main.importPath]]]);
  const queue = [main];
  for (let head = 0; head < queue.length; head++) {
    const pkg = queue[head]!;
    for (const imp of pkg.imports) {
      const next = byPath.get(imp);
      if (!next || chains.has(next)) continue;
      chains.set(next, [...chains.get(pkg)!, imp]);
      queue.push(next);
    }
  }
  return chains;
}

function sourceOf(decidedLocally: boolean, found: Found<unknown> | undefined, all: Reach): AnswerSource {
  if (decidedLocally) return "local";
  if (found) return found.source;
  if (all.missing.size > 0) return "probe-needed";
  for (const source of ["probe", "modcache", "vendor"] as const) if (all.read.has(source)) return source;
  return "local";
}

/** Everything the main's dependencies contribute, with chains starting at the main. */
function reachOfMain(main: PackageInfo, byPath: Map<string, PackageInfo>, walker: DependencyWalker): Reach {
  const total: Reach = { read: new Set(), missing: new Set() };
  for (const [pkg, chain] of localChains(main, byPath)) {
    for (const imp of pkg.imports) {
      if (!walker.isDependency(imp)) continue;
      const below = walker.reach(imp);
      for (const s of below.read) total.read.add(s);
      for (const m of below.missing) total.missing.add(m);
      for (const key of ["cgo", "start"] as const) {
        const found = below[key] as Found<never> | undefined;
        const current = total[key] as Found<never> | undefined;
        if (found && (!current || current.chain.length > chain.length + found.chain.length)) {
          total[key] = { ...found, chain: [...chain, ...found.chain] };
        }
      }
    }
  }
  return total;
}

/**
 * Completes the local classification of `mains` with what their third-party imports do: a dependency
 * that starts the runtime makes a command a Lambda, one that needs cgo makes the main cgo; each answer
 * records where it came from, and the modules whose sources were missing when that left it unknown.
 */
export function classifyThroughDependencies(mains: MainPackage[], packages: PackageInfo[], o: DependencyOptions): void {
  const byPath = new Map(packages.map((p) => [p.importPath, p]));
  const walker = new DependencyWalker(o);
  const lambdaGo = lambdaGoRequirement(o);
  for (const main of mains) {
    const pkg = byPath.get(main.importPath);
    if (!pkg) continue;
    const wasLambda = main.kind === "lambda";
    const wasCgo = main.cgo;
    if (wasLambda && lambdaGo) main.lambdaGo = lambdaGo;
    if (wasLambda && wasCgo) {
      // Both answers are already yes: nothing third-party can change them.
      main.lambdaSource = main.cgoSource = "local";
      continue;
    }
    const reach = reachOfMain(pkg, byPath, walker);
    if (!wasLambda && reach.start) {
      const { chain, what } = reach.start;
      main.kind = "lambda";
      main.lambdaVia = chain;
      main.lambdaCall = what;
      main.reason = `imports ${chain.at(-1)} (via ${chain.join(" → ")}), which calls ${what.call} at ${what.pos.file}:${what.pos.line}`;
    }
    if (!main.cgo && reach.cgo) {
      main.cgo = true;
      main.cgoReason = `${reach.cgo.chain.join(" → ")} (${reach.cgo.what})`;
    }
    main.lambdaSource = sourceOf(wasLambda, reach.start, reach);
    main.cgoSource = sourceOf(wasCgo, reach.cgo, reach);
    const unknown = main.lambdaSource === "probe-needed" || main.cgoSource === "probe-needed";
    if (unknown) main.unreadModules = [...reach.missing].sort(compareStrings);
    if (!wasLambda && main.kind === "lambda" && lambdaGo) main.lambdaGo = lambdaGo;
  }
}

/** aws-lambda-go as the main modules require it, with the go.mod line (for the old-version check). */
function lambdaGoRequirement(o: DependencyOptions): MainPackage["lambdaGo"] {
  const required = o.sources.requirement(LAMBDA_GO_MODULE);
  if (!required) return undefined;
  let line = 0;
  try {
    const lines = readFileSync(path.join(o.root, plainDir(required.file)), "utf8").split("\n");
    line = lines.findIndex((l) => l.includes(LAMBDA_GO_MODULE) && l.includes(required.version)) + 1;
  } catch {
    line = 0;
  }
  return { version: required.version, where: line > 0 ? `${required.file}:${line}` : required.file };
}
