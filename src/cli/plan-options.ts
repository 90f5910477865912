import type { Argv } from "yargs";
import { DEFAULT_CONFIG_FILE } from "../plan/config-file.js";

/** Flags shared by every command that plans (plan, info, llb, build). */
export interface PlanArgs {
  dir: string;
  config?: string;
  target?: string[];
  arch?: "x86_64" | "arm64";
  runtime?: "provided.al2" | "provided.al2023";
  artifact?: "zip" | "image";
  tags?: string[];
  ldflags?: string;
  env?: string[];
  "go-image"?: string;
  "cgo-image"?: string;
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
    .option("arch", { choices: ["x86_64", "arm64"] as const, describe: "Lambda architecture [default: x86_64]" })
    .option("runtime", {
      choices: ["provided.al2", "provided.al2023"] as const,
      describe: "Lambda runtime [default: provided.al2023]",
    })
    .option("artifact", { choices: ["zip", "image"] as const, describe: "what to produce [default: zip]" })
    .option("tags", { type: "string", array: true, describe: "extra Go build tags (repeatable)" })
    .option("ldflags", { type: "string", describe: "extra -ldflags (appended to -s -w)" })
    .option("env", { type: "string", array: true, describe: "extra compile environment KEY=VALUE (repeatable)" })
    .option("go-image", { type: "string", describe: "override the golang image (also the Go of cgo targets)" })
    .option("cgo-image", { type: "string", describe: "C build image for cgo targets (glibc ≤ the runtime's)" })
    .option("strict", { type: "boolean", describe: "fail (exit 1) when the analysis has warnings" });
}
