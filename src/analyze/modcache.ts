/**
 * Where the sources of a third-party package are on this machine, found the way the go command would
 * find them but without running it: the import path's module is the longest module path that the build's
 * requirements (go.mod `require`, `replace`, go.work) provide, and its files are in the main module's
 * vendor/ directory (when it vendors) or in the module cache at `$GOMODCACHE/<escaped path>@<version>`.
 * Nothing is downloaded: a module that is not on the machine is reported as missing.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseGoMod } from "./gomod.js";
import { isDirectoryPath } from "./mod-syntax.js";
import { plainDir } from "./paths.js";
import type { GoWorkFile, ModuleInfo, ModuleReplace } from "./types.js";

/** Go's case-encoding of module paths and versions in the cache: each upper-case letter → "!" + lower case. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Semantic version order for module versions (v1.2.3, v1.2.3-pre, v0.0.0-2020...-abc, +incompatible). */
export function compareModuleVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v);
    return m ? { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] } : undefined;
  };
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i]! - y.nums[i]!;
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1; // a release sorts after its pre-releases
  if (y.pre === undefined) return -1;
  const xs = x.pre.split(".");
  const ys = y.pre.split(".");
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const [p, q] = [xs[i]!, ys[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return xs.length - ys.length;
}

/** The standard library's import paths have no dot in their first element (and "C" is cgo's pseudo-package). */
export function isStandardImport(importPath: string): boolean {
  const first = importPath.split("/", 1)[0]!;
  return !first.includes(".");
}

/** A module version the build uses, with the go.mod (or go.work) that asks for it. */
export interface RequiredModule {
  path: string;
  version: string;
  /** Relative path of the file whose requirement won, e.g. "go.mod" or "svc/go.mod". */
  file: string;
}

/** Where a dependency package's files are, or why they are not on the machine. */
export interface PackageLocation {
  importPath: string;
  module: RequiredModule;
  source: "vendor" | "modcache" | "probe";
  /** Absolute directory of the package, when its module's sources are on the machine. */
  dir?: string;
  /** Absolute module root (for the module's own go.mod requirements), when on the machine. */
  moduleDir?: string;
  /** Set when the sources are missing: what is missing, for messages (e.g. "example.com/m@v1.0.0"). */
  missing?: string;
}

export interface ModuleSourceOptions {
  root: string; // absolute
  modules: ModuleInfo[];
  workspace?: { work: GoWorkFile };
  /** Absolute GOMODCACHE; without it only vendor/ is read. */
  modCache?: string;
  /** The cache holds what the build's probe read: answers from it are labelled "probe". */
  modCacheIsProbe?: boolean;
  /**
   * Dir of a standalone module whose build is asked about: it is the only main module (its go.mod's
   * requires and replaces, its vendor/), as when the go command runs in its directory with GOWORK=off.
   */
  standaloneDir?: string;
}

interface Replacement {
  newPath: string;
  newVersion?: string;
}

/** The requirements of the main modules, highest version winning (what minimal version selection picks for them). */
function mainRequirements(mains: ModuleInfo[]): Map<string, RequiredModule> {
  const out = new Map<string, RequiredModule>();
  for (const m of mains) {
    const file = plainDir(m.dir) === "" ? "go.mod" : `${plainDir(m.dir)}/go.mod`;
    for (const r of m.goMod.require) {
      const seen = out.get(r.path);
      if (!seen || compareModuleVersions(r.version, seen.version) > 0) {
        out.set(r.path, { path: r.path, version: r.version, file });
      }
    }
  }
  return out;
}

function replacements(workspace: ModuleSourceOptions["workspace"], mains: ModuleInfo[]): Map<string, Replacement> {
  const out = new Map<string, Replacement>();
  const add = (r: ModuleReplace) => {
    const key = r.oldVersion ? `${r.oldPath}@${r.oldVersion}` : r.oldPath;
    out.set(key, r.newVersion ? { newPath: r.newPath, newVersion: r.newVersion } : { newPath: r.newPath });
  };
  for (const m of mains) m.goMod.replace.forEach(add);
  workspace?.work.replace.forEach(add); // go.work wins
  return out;
}

/** Reads the module paths listed in vendor/modules.txt (`# path version [=> ...]` lines). */
function vendoredModules(vendorDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let text = "";
  try {
    text = readFileSync(path.join(vendorDir, "modules.txt"), "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    const m = /^# (\S+) (v\S+)/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * Resolves import paths of third-party packages to their sources. One instance per analysis: results
 * and the dependency modules' own go.mod files are cached.
 */
export class ModuleSources {
  private readonly required: Map<string, RequiredModule>;
  private readonly replaced: Map<string, Replacement>;
  /** Set when the build uses vendor/ (a single main module with vendor/modules.txt). */
  private readonly vendorDir?: string;
  private readonly vendored = new Map<string, string>();
  /** vendor/modules.txt relative to the analysed root, for messages. */
  private vendorList = "vendor/modules.txt";
  private readonly depRequires = new Map<string, Map<string, RequiredModule>>();

  constructor(private readonly o: ModuleSourceOptions) {
    const mains =
      o.standaloneDir !== undefined
        ? o.modules.filter((m) => m.dir === o.standaloneDir)
        : o.workspace
          ? o.modules.filter((m) => m.origin === "workspace")
          : o.modules.filter((m) => m.origin === "root");
    const workspace = o.standaloneDir === undefined ? o.workspace : undefined;
    this.required = mainRequirements(mains);
    this.replaced = replacements(workspace, mains);
    const root = mains.length === 1 && !workspace ? mains[0]! : undefined;
    if (root?.hasVendor) {
      this.vendorDir = path.join(o.root, plainDir(root.dir), "vendor");
      this.vendored = vendoredModules(this.vendorDir);
      if (plainDir(root.dir) !== "") this.vendorList = `${plainDir(root.dir)}/vendor/modules.txt`;
    }
  }

  /** The module version the build uses for `modulePath`, if a main module requires it. */
  requirement(modulePath: string): RequiredModule | undefined {
    return this.required.get(modulePath);
  }

  /**
   * The module providing `importPath`: the longest required module path that is a prefix of it, from the
   * main modules' requirements, else from the go.mod of the module that imports it (`fromModuleDir`).
   */
  locate(importPath: string, fromModuleDir?: string): PackageLocation | undefined {
    if (this.vendorDir) return this.locateVendored(importPath);
    const module =
      longestPrefix(importPath, this.required) ??
      (fromModuleDir ? longestPrefix(importPath, this.requiresOf(fromModuleDir)) : undefined);
    if (!module) return undefined;
    const replacement = this.replaced.get(`${module.path}@${module.version}`) ?? this.replaced.get(module.path);
    const location: PackageLocation = { importPath, module, source: this.o.modCacheIsProbe ? "probe" : "modcache" };
    if (replacement && isDirectoryPath(replacement.newPath)) {
      // Local replacements inside the tree are build modules (read as local packages); this one is not.
      location.missing = `${module.path} (replaced by ${replacement.newPath}, outside the analysed directory)`;
      return location;
    }
    const [modPath, version] = replacement
      ? [replacement.newPath, replacement.newVersion!]
      : [module.path, module.version];
    const moduleDir = this.o.modCache
      ? path.join(this.o.modCache, `${escapeModulePath(modPath)}@${escapeModulePath(version)}`)
      : undefined;
    if (!moduleDir || !existsSync(moduleDir)) {
      location.missing = `${modPath}@${version}`;
      return location;
    }
    location.moduleDir = moduleDir;
    location.dir = path.join(moduleDir, ...importPath.slice(module.path.length).split("/").filter(Boolean));
    return location;
  }

  private locateVendored(importPath: string): PackageLocation | undefined {
    let best: string | undefined;
    for (const p of this.vendored.keys()) {
      if ((importPath === p || importPath.startsWith(`${p}/`)) && (!best || p.length > best.length)) best = p;
    }
    const vendorDir = this.vendorDir!;
    const module: RequiredModule = best
      ? { path: best, version: this.vendored.get(best)!, file: this.vendorList }
      : { path: importPath, version: "", file: this.vendorList };
    const dir = path.join(vendorDir, ...importPath.split("/"));
    const location: PackageLocation = { importPath, module, source: "vendor" };
    if (existsSync(dir)) location.dir = dir;
    else location.missing = `${importPath} (not in vendor/)`;
    return location;
  }

  /** The requirements in a dependency module's own go.mod (modules written before Go 1.17 list fewer in ours). */
  private requiresOf(moduleDir: string): Map<string, RequiredModule> {
    let out = this.depRequires.get(moduleDir);
    if (out) return out;
    out = new Map();
    try {
      const goMod = parseGoMod(readFileSync(path.join(moduleDir, "go.mod"), "utf8"), "go.mod");
      for (const r of goMod.require) out.set(r.path, { path: r.path, version: r.version, file: `${moduleDir}/go.mod` });
    } catch {
      // No go.mod (a pre-modules dependency) or one we cannot parse: it adds no requirements.
    }
    this.depRequires.set(moduleDir, out);
    return out;
  }
}

function longestPrefix(importPath: string, modules: Map<string, RequiredModule>): RequiredModule | undefined {
  for (let p = importPath; p !== ""; p = p.slice(0, Math.max(p.lastIndexOf("/"), 0))) {
    const found = modules.get(p);
    if (found) return found;
    if (!p.includes("/")) break;
  }
  return undefined;
}
