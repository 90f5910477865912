/**
 * Which modules belong to the build, the way the go command decides:
 * - with go.work at the root, the modules listed in `use`;
 * - otherwise the root go.mod's module;
 * - plus, in both cases, the directories that local-path `replace` directives point at (go.work replaces
 *   win over go.mod replaces of the same module). Replacements of replacements are not followed: the go
 *   command only honours replace directives of the main modules too.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors.js";
import { parseGoMod, parseGoWork } from "./gomod.js";
import { checkTextFileSize } from "./limits.js";
import { isDirectoryPath } from "./mod-syntax.js";
import { moduleDirsBelow, nestedModuleDirs } from "./module-roots.js";
import { compareStrings, dotDir, joinRel, plainDir, relativeInside } from "./paths.js";
import type { GoWorkFile, ModuleInfo, ModuleReplace } from "./types.js";

export interface BuildModules {
  workspace?: { file: string; work: GoWorkFile; hasGoWorkSum: boolean };
  modules: ModuleInfo[];
  warnings: string[];
}

function readText(abs: string, file: string): string | undefined {
  checkTextFileSize(abs, file);
  try {
    return readFileSync(abs, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") {
      return undefined;
    }
    throw new UserError(`cannot read ${abs}: ${(error as Error).message}`);
  }
}

function loadModule(root: string, rel: string, origin: ModuleInfo["origin"]): ModuleInfo | undefined {
  const abs = path.join(root, rel);
  const text = readText(path.join(abs, "go.mod"), joinRel(rel, "go.mod"));
  if (text === undefined) return undefined;
  const goMod = parseGoMod(text, joinRel(rel, "go.mod"));
  return {
    dir: dotDir(rel),
    path: goMod.module,
    goMod,
    hasGoSum: existsSync(path.join(abs, "go.sum")),
    hasVendor: existsSync(path.join(abs, "vendor", "modules.txt")),
    origin,
  };
}

interface LocalReplace {
  replace: ModuleReplace;
  /** Where the directive is written, for messages. */
  file: string;
  /** Absolute target directory. */
  target: string;
}

function localReplaces(root: string, fromRel: string, file: string, replaces: ModuleReplace[]): LocalReplace[] {
  return replaces
    .filter((r) => isDirectoryPath(r.newPath))
    .map((replace) => ({ replace, file, target: path.resolve(root, fromRel, replace.newPath) }));
}

/** Finds the modules of the build rooted at `root` (absolute). */
export function findBuildModules(root: string): BuildModules {
  const warnings: string[] = [];
  const modules: ModuleInfo[] = [];
  const byDir = new Map<string, ModuleInfo>();
  const add = (m: ModuleInfo) => {
    byDir.set(m.dir, m);
    modules.push(m);
  };
  let workspace: BuildModules["workspace"];
  const replaces = new Map<string, LocalReplace>(); // key: old path (+ version)
  const keyOf = (r: ModuleReplace) => `${r.oldPath}@${r.oldVersion ?? ""}`;

  const workText = readText(path.join(root, "go.work"), "go.work");
  if (workText !== undefined) {
    const work = parseGoWork(workText, "go.work");
    workspace = { file: "go.work", work, hasGoWorkSum: existsSync(path.join(root, "go.work.sum")) };
    for (const use of work.use) {
      const rel = relativeInside(root, path.resolve(root, use));
      if (rel === undefined) {
        warnings.push(`go.work: use ${use} is outside the analysed directory; its packages are not analysed`);
        continue;
      }
      if (byDir.has(dotDir(rel))) continue;
      const m = loadModule(root, rel, "workspace");
      if (!m) warnings.push(`go.work: use ${use} has no go.mod; skipped`);
      else add(m);
    }
    for (const m of modules) {
      for (const r of localReplaces(root, m.dir, joinRel(plainDir(m.dir), "go.mod"), m.goMod.replace)) {
        replaces.set(keyOf(r.replace), r);
      }
    }
    // go.work replaces override the modules' replaces of the same module (and version).
    for (const r of work.replace) {
      replaces.delete(keyOf(r));
      if (r.oldVersion === undefined) {
        for (const [key, existing] of replaces) if (existing.replace.oldPath === r.oldPath) replaces.delete(key);
      }
    }
    for (const r of localReplaces(root, "", "go.work", work.replace)) replaces.set(keyOf(r.replace), r);
  } else {
    const m = loadModule(root, "", "root");
    if (!m) return standaloneOnly(root, moduleDirsBelow(root));
    add(m);
    for (const r of localReplaces(root, "", "go.mod", m.goMod.replace)) replaces.set(keyOf(r.replace), r);
  }

  const sortedReplaces = [...replaces.values()].sort((a, b) => compareStrings(keyOf(a.replace), keyOf(b.replace)));
  for (const { replace, file, target } of sortedReplaces) {
    const rel = relativeInside(root, target);
    const what = `${file}: replace ${replace.oldPath} => ${replace.newPath}`;
    if (rel === undefined) {
      warnings.push(`${what} points outside the analysed directory; its packages are not analysed`);
      continue;
    }
    if (byDir.has(dotDir(rel))) continue;
    const m = loadModule(root, rel, "replace");
    if (!m) {
      warnings.push(`${what}: no go.mod in that directory`);
      continue;
    }
    if (m.path !== replace.oldPath) {
      warnings.push(`${what}: the directory's go.mod declares module ${m.path}`);
    }
    add(m);
  }

  const seenPaths = new Map<string, string>();
  for (const m of modules) {
    if (m.origin === "standalone") continue;
    const other = seenPaths.get(m.path);
    if (other !== undefined) warnings.push(`module ${m.path} appears twice in the build (${other} and ${m.dir})`);
    seenPaths.set(m.path, m.dir);
  }
  const inBuild = new Set(modules.map((m) => plainDir(m.dir)));
  const nestedDirs = nestedModuleDirs(root, inBuild);
  if (workspace) {
    // go.work names its build: a module it leaves out is left out on purpose (the go command refuses to build
    // in it without GOWORK=off), so it is named rather than planned.
    for (const rel of nestedDirs) {
      warnings.push(
        `./${rel} has its own go.mod and is not in go.work's use list: not built (run rpk in ./${rel} to build it)`,
      );
    }
  } else modules.push(...addStandalone(root, nestedDirs, modules, warnings));
  modules.sort((a, b) => compareStrings(a.dir, b.dir));
  return workspace ? { workspace, modules, warnings } : { modules, warnings };
}

/** A root without go.mod/go.work: every module below it is its own build. */
function standaloneOnly(root: string, dirs: string[]): BuildModules {
  const warnings: string[] = [];
  const modules = addStandalone(root, dirs, [], warnings);
  modules.sort((a, b) => compareStrings(a.dir, b.dir));
  return { modules, warnings };
}

/**
 * Loads standalone modules; each sees itself plus the modules its local `replace` directives point at
 * (every go.mod under the root is loaded, so those are among `others` or the new ones).
 */
function addStandalone(root: string, dirs: string[], others: ModuleInfo[], warnings: string[]): ModuleInfo[] {
  const loaded: ModuleInfo[] = [];
  let firstError: UserError | undefined;
  for (const rel of dirs) {
    // One broken go.mod among many independent modules is that module's problem, not the others'.
    try {
      const m = loadModule(root, rel, "standalone");
      if (m) loaded.push(m);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      firstError ??= error;
      warnings.push(`./${rel} not built: ${error.message}`);
    }
  }
  // Nothing else to build: the error itself is the answer.
  if (loaded.length === 0 && others.length === 0 && firstError) throw firstError;
  const known = new Set([...others, ...loaded].map((m) => m.dir));
  for (const m of loaded) {
    const sees = new Set([m.dir]);
    for (const r of localReplaces(root, m.dir, joinRel(plainDir(m.dir), "go.mod"), m.goMod.replace)) {
      const rel = relativeInside(root, r.target);
      const what = `${joinRel(plainDir(m.dir), "go.mod")}: replace ${r.replace.oldPath} => ${r.replace.newPath}`;
      if (rel !== undefined && known.has(dotDir(rel))) sees.add(dotDir(rel));
      else warnings.push(`${what}: no module found there inside the analysed directory; its packages are not analysed`);
    }
    m.sees = [...sees].sort(compareStrings);
  }
  return loaded;
}
