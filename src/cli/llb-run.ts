import { CONVERT_DEFAULTS, convertPlan } from "../convert/index.js";
import { UserError } from "../errors.js";
import { decodeDefinition, marshal, parsePlatform, type State } from "../llb/index.js";
import { goEnvOf } from "./build-request.js";
import { writeStdout } from "./io.js";
import { loadOrCreatePlan } from "./load-plan.js";
import type { PlanArgs } from "./plan-options.js";

export interface LlbArgs extends PlanArgs {
  plan?: string;
  "build-platform"?: string;
  json: boolean;
  network?: "sandbox" | "host";
}

/** `rpk llb`: the plan's LLB as a marshaled Definition (or its decoded ops with --json) on stdout. */
export async function runLlb(args: LlbArgs): Promise<void> {
  const { plan } = await loadOrCreatePlan(args);
  const buildPlatform = args["build-platform"] ? parsePlatform(args["build-platform"]) : CONVERT_DEFAULTS.buildPlatform;
  const result = convertPlan(plan, {
    ...(args.target?.length && args.plan ? { targets: args.target } : {}),
    buildPlatform,
    goEnv: goEnvOf(process.env).goEnv,
    ...(args.network ? { network: args.network } : {}),
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
}
