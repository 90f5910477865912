import type { Argv } from "yargs";
import { UserError } from "../../errors.js";
import type { State } from "../../llb/index.js";
import { goEnvFromProcess } from "../go-env.js";
import { writeStdout } from "../io.js";
import { loadOrCreatePlan } from "../load-plan.js";
import { type PlanArgs, withPlanOptions } from "../plan-options.js";

interface LlbArgs extends PlanArgs {
  plan?: string;
  "build-platform": string;
  json: boolean;
  network: "sandbox" | "host";
}

export const llbCommand = {
  command: "llb [dir]",
  describe: "Write the plan's BuildKit LLB (a marshaled Definition) to stdout, for `buildctl build`",
  builder: (yargs: Argv) =>
    withPlanOptions(yargs)
      .option("plan", { type: "string", describe: "use this rpk.json instead of planning DIR" })
      .option("build-platform", {
        type: "string",
        default: "linux/amd64",
        describe: "platform the Go toolchain runs on",
      })
      .option("network", {
        choices: ["sandbox", "host"] as const,
        default: "sandbox" as const,
        describe: "network of module downloads (host needs --allow network.host)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the decoded ops as JSON instead" }),
  handler: async (args: LlbArgs) => {
    // Loaded on demand: `rpk plan` should not pay for the LLB encoder and protobufjs.
    const { convertPlan } = await import("../../convert/index.js");
    const { decodeDefinition, marshal, parsePlatform } = await import("../../llb/index.js");
    const { plan } = await loadOrCreatePlan(args);
    const buildPlatform = parsePlatform(args["build-platform"]);
    const result = convertPlan(plan, {
      ...(args.target?.length && args.plan ? { targets: args.target } : {}),
      buildPlatform,
      goEnv: goEnvFromProcess(),
      network: args.network,
    });
    let state: State;
    if (result.zip) state = result.zip;
    else if (result.images.length === 1) state = result.images[0]!.state;
    else {
      throw new UserError(`the plan has ${result.images.length} Lambda images; LLB describes one`, {
        hint: `pick one with --target (${result.images.map((i) => i.target).join(", ")})`,
      });
    }
    const definition = marshal(state, { platform: buildPlatform });
    if (args.json) await writeStdout(`${JSON.stringify(decodeDefinition(definition.bytes), null, 2)}\n`);
    else await writeStdout(definition.bytes);
  },
};
