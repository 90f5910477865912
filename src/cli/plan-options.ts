import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { UsageError, UserError } from "../errors.js";
import { DEFAULT_CONFIG_FILE, type FlagSettings, loadConfig, mergeSettings, type PlanSettings } from "../plan/index.js";

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

export function withPlanOptions<T>(yargs: Argv<T>) {
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

function parseEnvPairs(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** Checks DIR, loads the config and merges it with the flags. */
export async function resolvePlanInputs(args: PlanArgs): Promise<{ dir: string; settings: PlanSettings }> {
  const dir = resolve(args.dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UserError(`${args.dir} does not exist`, { hint: "pass the directory of a Go module" });
  if (!info.isDirectory())
    throw new UserError(`${args.dir} is not a directory`, { hint: "pass the directory of a Go module" });
  const config = await loadConfig({
    ...(args.config ? { explicitFile: resolve(args.config) } : {}),
    defaultFile: join(dir, DEFAULT_CONFIG_FILE),
  });
  const flags: FlagSettings = {
    ...(args.target ? { targets: args.target } : {}),
    ...(args.arch ? { arch: args.arch } : {}),
    ...(args.runtime ? { runtime: args.runtime } : {}),
    ...(args.artifact ? { artifact: args.artifact } : {}),
    ...(args.tags ? { tags: args.tags.flatMap((t) => t.split(",")).filter(Boolean) } : {}),
    ...(args.ldflags ? { ldflags: args.ldflags } : {}),
    ...(args.env ? { env: parseEnvPairs(args.env) } : {}),
    ...(args["go-image"] ? { goImage: args["go-image"] } : {}),
  };
  return { dir, settings: mergeSettings(config, flags) };
}
