import type { Argv } from "yargs";
import type { LlbArgs } from "../llb-run.js";
import { withPlanOptions } from "../plan-options.js";

export const llbCommand = {
  command: "llb [dir]",
  describe: "Write the plan's BuildKit LLB (a marshaled Definition) to stdout, for `buildctl build`",
  builder: async (yargs: Argv) =>
    (await withPlanOptions(yargs))
      .option("plan", { type: "string", describe: "use this rpk.json instead of planning DIR" })
      .option("build-platform", {
        type: "string",
        describe: "platform the Go toolchain runs on [default: linux/amd64]",
      })
      .option("network", {
        choices: ["sandbox", "host"] as const,
        describe: "network of module downloads (host needs --allow network.host) [default: sandbox]",
      })
      .option("json", { type: "boolean", default: false, describe: "print the decoded ops as JSON instead" }),
  handler: async (args: LlbArgs) => {
    // Loaded on demand: the planner, the LLB encoder and protobufjs are for this command only.
    const { runLlb } = await import("../llb-run.js");
    await runLlb(args);
  },
};
