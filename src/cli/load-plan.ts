import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
// Specific modules, not ../plan/index.js: only a saved plan (--plan) needs the zod schema to validate it.
import { planDirectory } from "../plan/from-directory.js";
import { retargetPlan } from "../plan/retarget.js";
import type { Plan } from "../plan/schema.js";
import type { PlanSettings } from "../plan/settings.js";
import { resolvePlanInputs } from "./plan-inputs.js";
import type { PlanArgs } from "./plan-options.js";
import { reportWarnings } from "./warnings.js";

/**
 * The plan a build uses: `--plan FILE` when given (validated), else a fresh plan of DIR, whose analyzer
 * warnings go to stderr (or fail the command with --strict).
 */
export async function loadOrCreatePlan(
  args: PlanArgs & { plan?: string },
): Promise<{ plan: Plan; dir: string; settings: PlanSettings }> {
  const { dir, settings } = await resolvePlanInputs(args);
  if (args.plan) {
    let text: string;
    try {
      text = await readFile(args.plan, "utf8");
    } catch (error) {
      throw new UserError(`cannot read plan (${(error as NodeJS.ErrnoException).code ?? error})`, {
        where: args.plan,
        hint: "write one with `rpk plan --out rpk.json`",
      });
    }
    // A saved plan still answers to --arch/--runtime/--artifact, as the frontend's options do.
    const { parsePlan } = await import("../plan/serialize.js");
    const plan = retargetPlan(parsePlan(text, args.plan), {
      ...(args.arch ? { arch: args.arch } : {}),
      ...(args.runtime ? { runtime: args.runtime } : {}),
      ...(args.artifact ? { artifact: args.artifact } : {}),
    });
    return { plan, dir, settings };
  }
  const { modCacheFromEnv, unknownDetectionWarnings } = await import("./mod-cache.js");
  const { plan, warnings } = await planDirectory(dir, settings, { modCache: modCacheFromEnv() });
  const all = [...warnings, ...(await unknownDetectionWarnings(plan))];
  reportWarnings({ warnings: all, strict: Boolean(args.strict), stream: process.stderr });
  return { plan, dir, settings };
}
