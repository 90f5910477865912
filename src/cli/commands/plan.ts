import type { Argv } from "yargs";
import { planDirectory, serializePlan } from "../../plan/index.js";
import { writeFileAtomic, writeStdout } from "../io.js";
import { type PlanArgs, resolvePlanInputs, withPlanOptions } from "../plan-options.js";

export const planCommand = {
  command: "plan [dir]",
  describe: "Analyze a Go tree and write the build plan (rpk.json)",
  builder: (yargs: Argv) =>
    withPlanOptions(yargs).option("out", {
      alias: "o",
      type: "string",
      describe: "write the plan to FILE (default: stdout)",
    }),
  handler: async (args: PlanArgs & { out?: string }) => {
    const { dir, settings } = await resolvePlanInputs(args);
    const { plan } = await planDirectory(dir, settings);
    const text = serializePlan(plan);
    if (args.out && args.out !== "-") await writeFileAtomic(args.out, text);
    else await writeStdout(text);
  },
};
