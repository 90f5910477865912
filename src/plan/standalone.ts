/**
 * Plan rules for layouts the root's own build does not cover: standalone modules (see
 * src/analyze/module-roots.ts) and directories declaring `func main` in several files.
 */
import { warningLine } from "../analyze/findings.js";
import type { Analysis, MainPackage } from "../analyze/types.js";
import { isUserError, UserError } from "../errors.js";
import type { AnalysesByArch } from "./create.js";
import { checkLambdaGo } from "./detection.js";
import type { LambdaRuntimeName } from "./schema.js";
import type { PlanSettings } from "./settings.js";

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
  const files = mainFuncFiles(main);
  throw new UserError(`${main.dir} declares func main in ${main.mainFuncs.length} files (${files})`, {
    hint: "rpk builds one main package per directory: move each of these files (with what it alone uses) into its own directory, or name other targets with --target",
  });
}

function mainFuncFiles(main: MainPackage): string {
  return (main.mainFuncs ?? []).map((pos) => `${pos.file}:${pos.line}`).join(", ");
}

/** Why createPlan would refuse this main on its own (checkOneMain, checkLambdaGo), if it would. */
function refusal(main: MainPackage, runtime: LambdaRuntimeName): UserError | undefined {
  try {
    checkOneMain(main);
    checkLambdaGo(main, runtime);
    return undefined;
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
}

/**
 * Without named targets, a main package that createPlan would refuse on its own (func main in several files,
 * an aws-lambda-go too old for the Runtime API) is left out of the plan with a warning, so one such directory
 * does not stop a collection of good Lambdas. Named with --target (or `targets`), it stays in and fails; when
 * every main would be refused, they stay in too (an empty plan helps nobody).
 */
export function leaveOutRefusedMains(
  analyses: AnalysesByArch,
  settings: Pick<PlanSettings, "targets" | "runtime">,
): { analyses: AnalysesByArch; warnings: string[] } {
  const all = Object.values(analyses);
  const refused = new Map<string, string>();
  for (const main of all.flatMap((a) => a.mains)) {
    const error = refused.has(main.dir) ? undefined : refusal(main, settings.runtime);
    if (!error) continue;
    const what = error.hint ? error.headline.slice(0, -` — ${error.hint}`.length) : error.headline;
    refused.set(
      main.dir,
      warningLine(`${what}; left out of the plan`, main.dir, error.hint ?? "fix it or name it with --target"),
    );
  }
  const named = settings.targets !== undefined;
  if (named || refused.size === 0 || all.every((a) => a.mains.every((m) => refused.has(m.dir)))) {
    return { analyses, warnings: [] };
  }
  const kept: AnalysesByArch = {};
  for (const [arch, a] of Object.entries(analyses) as [keyof AnalysesByArch, Analysis][]) {
    kept[arch] = { ...a, mains: a.mains.filter((m) => !refused.has(m.dir)) };
  }
  return { analyses: kept, warnings: [...refused.values()] };
}
