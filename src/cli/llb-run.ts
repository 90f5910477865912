// The module itself, not ../build/index.js: rpk llb does not load the build function (gRPC).
import { oneSolveExport } from "../build/solve-exports.js";
import { CONVERT_DEFAULTS, convertPlan } from "../convert/index.js";
import { decodeDefinition, marshal, parsePlatform } from "../llb/index.js";
import { rpkVersion } from "../version.js";
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
  const targets = args.target?.length && args.plan ? args.target : undefined;
  // LLB describes one Solve: zips, or one Lambda image (solve-exports.ts).
  const exported = oneSolveExport(plan, targets);
  const result = convertPlan(plan, {
    ...(targets ? { targets } : {}),
    buildPlatform,
    goEnv: goEnvOf(process.env).goEnv,
    ...(args.network ? { network: args.network } : {}),
    // The LLB `rpk build` makes: its records included (zip output writes them beside the zips).
    records: { sbom: true, provenance: true, rpkVersion: rpkVersion() },
  });
  const state = exported.artifact === "zip" ? result.zip! : result.images[0]!.state;
  const definition = marshal(state, { platform: buildPlatform });
  if (args.json) await writeStdout(`${JSON.stringify(decodeDefinition(definition.bytes), null, 2)}\n`);
  else await writeStdout(definition.bytes);
}
