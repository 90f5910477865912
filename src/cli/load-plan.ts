import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import { type Plan, parsePlan, planDirectory } from "../plan/index.js";
import { type PlanArgs, resolvePlanInputs } from "./plan-options.js";

/** The plan a build uses: `--plan FILE` when given (validated), else a fresh plan of DIR. */
export async function loadOrCreatePlan(args: PlanArgs & { plan?: string }): Promise<{ plan: Plan; dir: string }> {
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
    return { plan: parsePlan(text, args.plan), dir };
  }
  return { plan: (await planDirectory(dir, settings)).plan, dir };
}
