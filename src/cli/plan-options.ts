import type { Argv } from "yargs";

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
}

/**
 * Declares the planning flags. Async because the default config file's name lives in src/plan/config.ts,
 * whose import loads zod (~70 ms): yargs runs a builder only for the command being parsed (or its --help),
 * and every command that takes these flags loads that module anyway, so `rpk --version`, `rpk --help`,
 * `rpk daemon` and `rpk doctor` never pay for it. Reading a config and merging it is in plan-inputs.ts.
 */
export async function withPlanOptions<T>(yargs: Argv<T>) {
  const { DEFAULT_CONFIG_FILE } = await import("../plan/config.js");
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
    .option("go-image", { type: "string", describe: "override the golang image" });
}
