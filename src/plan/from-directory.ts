import { analyze } from "../analyze/index.js";
import type { Analysis } from "../analyze/types.js";
import { type AnalysesByArch, createPlan } from "./create.js";
import type { Plan } from "./schema.js";
import { GOARCH_OF, type PlanSettings } from "./settings.js";
import { leaveOutRefusedMains } from "./standalone.js";

/**
 * Analyzes `dir` for every GOARCH the settings ask for and builds the plan. Returns the primary analysis too,
 * for `rpk info`, and the warnings of every analysis (each once, sorted), with the main packages left out.
 */
export async function planDirectory(
  dir: string,
  settings: PlanSettings,
  options: { modCache?: string; modCacheIsProbe?: boolean } = {},
): Promise<{ plan: Plan; analysis: Analysis; warnings: string[] }> {
  const arches = new Set([GOARCH_OF[settings.arch]]);
  for (const override of Object.values(settings.overrides)) if (override.arch) arches.add(GOARCH_OF[override.arch]);
  const analysed: AnalysesByArch = {};
  for (const arch of [...arches].sort()) {
    analysed[arch] = await analyze(dir, { arch, tags: settings.tags, ...options });
  }
  const { analyses, warnings: leftOut } = leaveOutRefusedMains(analysed, settings);
  const analysis = analyses[GOARCH_OF[settings.arch]]!;
  // Each GOARCH's analysis reports the same tree: one copy of each warning.
  const warnings = [...new Set([...Object.values(analyses).flatMap((a) => a.warnings), ...leftOut])].sort();
  return { plan: createPlan(analyses, settings), analysis, warnings };
}
