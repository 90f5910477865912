/**
 * Modules that are not part of the root's build but live below it: every go.mod under a root that has no
 * go.mod/go.work of its own (a collection of examples, a repo with one module per service), and nested
 * modules under a module root that neither go.work `use` nor a local `replace` reaches. rpk plans each of
 * them as a standalone build: its own `go mod download` and compiles in its own directory with GOWORK=off,
 * exactly as `cd dir && go build` would (the go command never treats a nested module as part of its parent).
 */
import { type Dirent, readdirSync } from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors.js";
import { compareStrings, joinRel } from "./paths.js";

/** The walk's own skip rule (walk.ts): the go command ignores these directories too. */
function skipped(name: string): boolean {
  return (
    name === "testdata" || name === "vendor" || name === "node_modules" || name.startsWith(".") || name.startsWith("_")
  );
}

function entries(abs: string): Dirent[] {
  try {
    return readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
}

export interface ModuleDirScan {
  /** Plain relative dirs ("a/b") that hold a go.mod, below the root (the root itself is never listed), sorted. */
  moduleDirs: string[];
  /** A directory (plain relative, "" for the root) holding .go files outside every module, if any. */
  looseGoDir?: string;
  /** Every such directory, sorted (meaningful when `root` itself is no module). */
  looseGoDirs: string[];
}

/** Finds every go.mod below `root` (absolute), not descending into a module once found below the root. */
export function scanModuleDirs(root: string): ModuleDirScan {
  const moduleDirs: string[] = [];
  const looseGoDirs: string[] = [];
  let looseGoDir: string | undefined;
  const stack = [""];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const list = entries(rel === "" ? root : path.join(root, rel));
    const isModule = list.some((e) => e.name === "go.mod" && !e.isDirectory());
    if (rel !== "" && isModule) {
      moduleDirs.push(rel);
      continue; // what lies below belongs to that module (its own nested modules are found from there)
    }
    if (!isModule && list.some((e) => e.isFile() && e.name.endsWith(".go"))) {
      looseGoDir ??= rel;
      looseGoDirs.push(rel);
    }
    for (const e of list) if (e.isDirectory() && !skipped(e.name)) stack.push(joinRel(rel, e.name));
  }
  moduleDirs.sort(compareStrings);
  looseGoDirs.sort(compareStrings);
  return looseGoDir === undefined ? { moduleDirs, looseGoDirs } : { moduleDirs, looseGoDir, looseGoDirs };
}

/**
 * Below a root without go.mod/go.work: all module dirs found (and the directories of .go files outside every
 * one of them), or a UserError saying what the tree lacks. Nested modules of found modules are found too
 * (walked from each module in turn).
 */
export function moduleDirsBelow(root: string): { moduleDirs: string[]; looseGoDirs: string[] } {
  const first = scanModuleDirs(root);
  if (first.moduleDirs.length > 0) {
    const all = [...first.moduleDirs];
    for (let i = 0; i < all.length; i++) {
      for (const nested of scanModuleDirs(path.join(root, all[i]!)).moduleDirs) all.push(joinRel(all[i]!, nested));
    }
    return { moduleDirs: all.sort(compareStrings), looseGoDirs: first.looseGoDirs };
  }
  if (first.looseGoDir !== undefined) {
    const where = first.looseGoDir === "" ? root : path.join(root, first.looseGoDir);
    throw new UserError(`${where} has .go files but there is no go.mod in or below ${root} (GOPATH-era code?)`, {
      hint: "run `go mod init <module path> && go mod tidy` in the directory that holds the code, then rpk there",
    });
  }
  throw new UserError(`no go.mod or go.work in or below ${root}`, { hint: "run rpk in a Go module root" });
}

/** Nested modules below a module root that the build does not already hold (`inBuild`: plain rel dirs). */
export function nestedModuleDirs(root: string, inBuild: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const queue = [""];
  while (queue.length > 0) {
    const base = queue.shift()!;
    for (const rel of scanModuleDirs(base === "" ? root : path.join(root, base)).moduleDirs) {
      const full = joinRel(base, rel);
      if (!inBuild.has(full)) found.push(full);
      queue.push(full);
    }
  }
  return found.sort(compareStrings);
}
