import type { Argv } from "yargs";
import { type PlanArgs, withPlanOptions } from "../plan-options.js";

export const planCommand = {
  command: "plan [dir]",
  describe: "Analyze a Go tree and write the build plan (rpk.json)",
  builder: async (yargs: Argv) =>
    (await withPlanOptions(yargs)).option("out", {
      alias: "o",
      type: "string",
      describe: "write the plan to FILE (default: stdout)",
    }),
  handler: async (args: PlanArgs & { out?: string }) => {
    // Loaded on demand, like every command's implementation: `rpk --version` and the other commands
    // should not pay for the analyzer and the planner.
    const [
      { planDirectory },
      { serializeParsedPlan },
      { resolvePlanInputs },
      { writeFileAtomic, writeStdout },
      modCache,
      { reportWarnings },
    ] = await Promise.all([
      import("../../plan/from-directory.js"),
      import("../../plan/plan-text.js"),
      import("../plan-inputs.js"),
      import("../io.js"),
      import("../mod-cache.js"),
      import("../warnings.js"),
    ]);
    const { dir, settings } = await resolvePlanInputs(args);
    const { plan, warnings } = await planDirectory(dir, settings, { modCache: modCache.modCacheFromEnv() });
    const all = [...warnings, ...(await modCache.unknownDetectionWarnings(plan))];
    reportWarnings({ warnings: all, strict: Boolean(args.strict), stream: process.stderr });
    // createPlan's plan is checked and in schema key order (test/unit/plan checks that against the zod schema).
    const text = serializeParsedPlan(plan);
    if (args.out && args.out !== "-") await writeFileAtomic(args.out, text);
    else await writeStdout(text);
  },
};
