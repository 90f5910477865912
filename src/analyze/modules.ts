/**
 * Which modules belong to the build, the way the go command decides:
 * - with go.work at the root, the modules listed in `use`;
 * - otherwise the root go.mod's module;
 * - plus, in both cases, the directories that local-path `replace` directives point at (go.work replaces
 *   win over go.mod replaces of the same module). Replacements of replacements are not followed: the go
 *   command only honours replace directives of the main modules too.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors.js";
import { directiveError, directiveLine, warningLine } from "./findings.js";
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

const CONTEXT_HINT =
  "BuildKit sees only the directory rpk builds: move the module inside it, or run rpk from a directory that holds both";

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The directory of a go.work `use`, relative to root. The go command refuses a workspace whose `use`
 * directory is missing or has no go.mod, and one outside the context is absent inside BuildKit: all three
 * are errors at go.work:line.
 */
function checkedUseDir(root: string, use: string): string {
  const at = () => ({ file: "go.work", line: directiveLine(root, "go.work", "use", (args) => args[0] === use) });
  const abs = path.resolve(root, use);
  const rel = relativeInside(root, abs);
  if (rel === undefined) throw directiveError(`use ${use} is outside the build context ${root}`, at(), CONTEXT_HINT);
  if (!isDirectory(abs)) {
    throw directiveError(`use ${use}: no such directory`, at(), "fix the path or remove the line from go.work");
  }
  if (!existsSync(path.join(abs, "go.mod"))) {
    throw directiveError(`use ${use}: the directory has no go.mod`, at(), "add one or remove the line from go.work");
  }
  return rel;
}

/**
 * The directory of a local replace, relative to root, or undefined when it is unusable. A missing or
 * outside directory is an error when the module is required (the compile would fail inside BuildKit at a
 * container path), and a warning otherwise (the go command never reads an unused replacement).
 */
function checkedReplaceDir(root: string, local: LocalReplace, required: boolean, warnings: string[]) {
  const { replace, file, target } = local;
  const rel = relativeInside(root, target);
  const problem =
    rel === undefined
      ? { what: `replacement ${replace.newPath} is outside the build context ${root}`, fix: CONTEXT_HINT }
      : !isDirectory(target)
        ? { what: `replacement directory ${replace.newPath} does not exist`, fix: "fix the path in the replace" }
        : undefined;
  if (!problem) return rel;
  if (required) {
    const line = directiveLine(
      root,
      file,
      "replace",
      (args) => args[0] === replace.oldPath && args.includes(replace.newPath),
    );
    throw directiveError(`replace ${replace.oldPath}: ${problem.what}`, { file, line }, problem.fix);
  }
  warnings.push(
    warningLine(
      problem.what,
      `${file}: replace ${replace.oldPath}`,
      `no module requires ${replace.oldPath}; remove the replace`,
    ),
  );
  return undefined;
}

/** The modules found so far, by directory, and the local replaces still to follow. */
interface ModuleSet {
  modules: ModuleInfo[];
  byDir: Map<string, ModuleInfo>;
  replaces: Map<string, LocalReplace>; // key: old path (+ version)
}

function addModule(set: ModuleSet, m: ModuleInfo): void {
  set.byDir.set(m.dir, m);
  set.modules.push(m);
}

const replaceKey = (r: ModuleReplace) => `${r.oldPath}@${r.oldVersion ?? ""}`;

/** go.work's use list and replaces; go.work replaces override the modules' own for the same module. */
function loadWorkspace(root: string, workText: string, set: ModuleSet): NonNullable<BuildModules["workspace"]> {
  const work = parseGoWork(workText, "go.work");
  const workspace = { file: "go.work", work, hasGoWorkSum: existsSync(path.join(root, "go.work.sum")) };
  for (const use of work.use) {
    const rel = checkedUseDir(root, use);
    if (set.byDir.has(dotDir(rel))) continue;
    addModule(set, loadModule(root, rel, "workspace")!);
  }
  for (const m of set.modules) {
    for (const r of localReplaces(root, m.dir, joinRel(plainDir(m.dir), "go.mod"), m.goMod.replace)) {
      set.replaces.set(replaceKey(r.replace), r);
    }
  }
  // go.work replaces override the modules' replaces of the same module (and version).
  for (const r of work.replace) {
    set.replaces.delete(replaceKey(r));
    if (r.oldVersion === undefined) {
      for (const [key, existing] of set.replaces) if (existing.replace.oldPath === r.oldPath) set.replaces.delete(key);
    }
  }
  for (const r of localReplaces(root, "", "go.work", work.replace)) set.replaces.set(replaceKey(r.replace), r);
  return workspace;
}

/** Adds each local replacement directory's module, warning when it has no go.mod or another module path. */
function addReplacements(root: string, set: ModuleSet, warnings: string[]): void {
  const sorted = [...set.replaces.values()].sort((a, b) =>
    compareStrings(replaceKey(a.replace), replaceKey(b.replace)),
  );
  const required = new Set(set.modules.flatMap((m) => m.goMod.require.map((r) => r.path)));
  for (const local of sorted) {
    const rel = checkedReplaceDir(root, local, required.has(local.replace.oldPath), warnings);
    if (rel === undefined || set.byDir.has(dotDir(rel))) continue;
    const { replace, file } = local;
    const where = `${file}: replace ${replace.oldPath} => ${replace.newPath}`;
    const m = loadModule(root, rel, "replace");
    if (!m) {
      warnings.push(
        warningLine("replacement directory has no go.mod", where, "add one; rpk does not analyse its packages"),
      );
      continue;
    }
    if (m.path !== replace.oldPath) {
      warnings.push(
        warningLine(`the replacement's go.mod declares module ${m.path}`, where, `make it module ${replace.oldPath}`),
      );
    }
    addModule(set, m);
  }
}

function warnDuplicatePaths(modules: ModuleInfo[], warnings: string[]): void {
  const seenPaths = new Map<string, string>();
  for (const m of modules) {
    if (m.origin === "standalone") continue;
    const other = seenPaths.get(m.path);
    if (other !== undefined) {
      warnings.push(
        warningLine(`module ${m.path} appears twice in the build`, `${other} and ${m.dir}`, "keep one of them"),
      );
    }
    seenPaths.set(m.path, m.dir);
  }
}

/** Finds the modules of the build rooted at `root` (absolute). */
export function findBuildModules(root: string): BuildModules {
  const warnings: string[] = [];
  const set: ModuleSet = { modules: [], byDir: new Map(), replaces: new Map() };
  const { modules } = set;
  let workspace: BuildModules["workspace"];

  const workText = readText(path.join(root, "go.work"), "go.work");
  if (workText !== undefined) {
    workspace = loadWorkspace(root, workText, set);
  } else {
    const m = loadModule(root, "", "root");
    if (!m) return standaloneOnly(root, moduleDirsBelow(root));
    addModule(set, m);
    for (const r of localReplaces(root, "", "go.mod", m.goMod.replace)) set.replaces.set(replaceKey(r.replace), r);
  }
  addReplacements(root, set, warnings);
  warnDuplicatePaths(modules, warnings);

  const inBuild = new Set(modules.map((m) => plainDir(m.dir)));
  const nestedDirs = nestedModuleDirs(root, inBuild);
  if (workspace) {
    // go.work names its build: a module it leaves out is left out on purpose (the go command refuses to build
    // in it without GOWORK=off), so it is named rather than planned.
    for (const rel of nestedDirs) {
      const fix = `add it to go.work's use list, or run rpk in ./${rel}, to build it`;
      warnings.push(warningLine("module not in go.work's use list is not built", `./${rel}/go.mod`, fix));
    }
  } else modules.push(...addStandalone(root, nestedDirs, modules, warnings));
  modules.sort((a, b) => compareStrings(a.dir, b.dir));
  return workspace ? { workspace, modules, warnings } : { modules, warnings };
}

/** At most this many loose directories are named in the warning (a big collection would flood the line). */
const LOOSE_DIRS_NAMED = 5;

/**
 * A root without go.mod/go.work: every module below it is its own build. Directories of .go files outside
 * every module (a repo whose other Lambdas were built with `go build file.go` or a GOPATH) are named in one
 * warning: they are not planned, and saying nothing let a user believe rpk had found every Lambda.
 */
function standaloneOnly(root: string, found: { moduleDirs: string[]; looseGoDirs: string[] }): BuildModules {
  const warnings: string[] = [];
  const loose = found.looseGoDirs;
  if (loose.length > 0) {
    const named = loose.slice(0, LOOSE_DIRS_NAMED).map((dir) => (dir === "" ? "." : `./${dir}`));
    const more = loose.length > LOOSE_DIRS_NAMED ? `, and ${loose.length - LOOSE_DIRS_NAMED} more` : "";
    const what = `${loose.length} ${loose.length === 1 ? "directory holds" : "directories hold"} .go files outside every module and ${loose.length === 1 ? "is" : "are"} not planned`;
    const fix = "to build one, run `go mod init <module path> && go mod tidy` in the directory of its code";
    warnings.push(warningLine(what, `${named.join(", ")}${more}`, fix));
  }
  const modules = addStandalone(root, found.moduleDirs, [], warnings);
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
