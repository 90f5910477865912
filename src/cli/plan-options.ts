import type { Argv } from "yargs";
import { DEFAULT_CONFIG_FILE } from "../plan/config-file.js";
import {
  ARTIFACT_TYPES,
  type ArtifactTypeName,
  LAMBDA_ARCHS,
  LAMBDA_RUNTIMES,
  type LambdaArchName,
  type LambdaRuntimeName,
} from "../plan/lambda.js";

/** Flags shared by every command that plans (plan, info, llb, build). */
export interface PlanArgs {
  dir: string;
  config?: string;
  target?: string[];
  arch?: LambdaArchName;
  runtime?: LambdaRuntimeName;
  artifact?: ArtifactTypeName;
  tags?: string[];
  ldflags?: string;
  env?: string[];
  "go-image"?: string;
  "cgo-image"?: string;
  "frontend-image"?: string;
  strict?: boolean;
}

/**
 * Declares the planning flags (async so builders may load what they describe lazily). Reading a config and
 * merging it is in plan-inputs.ts.
 */
export async function withPlanOptions<T>(yargs: Argv<T>) {
  return yargs
    .positional("dir", { type: "string", default: ".", describe: "Go source root (a module or go.work root)" })
    .option("config", { type: "string", describe: `config file (default: DIR/${DEFAULT_CONFIG_FILE} when present)` })
    .option("target", { type: "string", array: true, describe: "build only these targets (repeatable)" })
    .option("arch", { choices: LAMBDA_ARCHS, describe: "Lambda architecture [default: x86_64]" })
    .option("runtime", {
      choices: LAMBDA_RUNTIMES,
      describe: "Lambda runtime [default: provided.al2023]",
    })
    .option("artifact", { choices: ARTIFACT_TYPES, describe: "what to produce [default: zip]" })
    .option("tags", { type: "string", array: true, describe: "extra Go build tags (repeatable)" })
    .option("ldflags", { type: "string", describe: "extra -ldflags (appended to -s -w)" })
    .option("env", { type: "string", array: true, describe: "extra compile environment KEY=VALUE (repeatable)" })
    .option("go-image", { type: "string", describe: "override the golang image (also the Go of cgo targets)" })
    .option("cgo-image", { type: "string", describe: "C build image for cgo targets (glibc ≤ the runtime's)" })
    .option("frontend-image", {
      type: "string",
      describe: 'rpk frontend image the plan\'s "syntax" key names (docker buildx build -f rpk.json)',
    })
    .option("strict", { type: "boolean", describe: "fail (exit 1) when the analysis has warnings" });
}
