import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UsageError, UserError } from "../errors.js";
// Not ../plan/index.js: that re-exports the zod schema, which planning without a config file never needs.
import { DEFAULT_CONFIG_FILE, loadConfig } from "../plan/config-file.js";
import { type FlagSettings, mergeSettings, type PlanSettings } from "../plan/settings.js";
import type { PlanArgs } from "./plan-options.js";

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
