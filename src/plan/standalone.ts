/**
 * Plan rules for layouts the root's own build does not cover: standalone modules (see
 * src/analyze/module-roots.ts) and directories declaring `func main` in several files.
 */
import type { Analysis, MainPackage } from "../analyze/types.js";
import { UserError } from "../errors.js";

/**
 * A standalone module compiles in its own directory as its own main module: GOWORK=off keeps a go.work at the
 * root (whose `use` list does not name it) from taking over, as `cd dir && GOWORK=off go build` would.
 */
export function standaloneEnv(analysis: Analysis, moduleDir: string): Record<string, string> {
  const module = analysis.modules.find((m) => m.dir === moduleDir);
  return module?.origin === "standalone" ? { GOWORK: "off" } : {};
}

/** The modules a standalone module's build sees (undefined for the root's build: it sees every module). */
export function standaloneModules(analysis: Analysis, moduleDir: string): ReadonlySet<string> | undefined {
  const module = analysis.modules.find((m) => m.dir === moduleDir);
  return module?.origin === "standalone" ? new Set(module.sees ?? [module.dir]) : undefined;
}

/** The plan's `standalone` marker for a module, present only when true (plans of other layouts are unchanged). */
export function standaloneField(module: Analysis["modules"][number]): { standalone?: true } {
  return module.origin === "standalone" ? { standalone: true } : {};
}

/**
 * One target per main package directory: files that each declare `func main` (built one at a time with
 * `go build dir/file.go`) cannot compile as one package.
 */
export function checkOneMain(main: MainPackage): void {
  if (!main.mainFuncs || main.mainFuncs.length < 2) return;
  const files = main.mainFuncs.map((pos) => `${pos.file}:${pos.line}`).join(", ");
  throw new UserError(`${main.dir} declares func main in ${main.mainFuncs.length} files (${files})`, {
    hint: "rpk builds one main package per directory: move each of these files (with what it alone uses) into its own directory, or name other targets with --target",
  });
}
