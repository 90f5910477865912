import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UsageError, UserError } from "../errors.js";
// Not ../plan/index.js: that re-exports the zod schema, which planning without a config file never needs.
import { DEFAULT_CONFIG_FILE, loadConfig } from "../plan/config-file.js";
import { BUILD_TAG, ENV_NAME, IMAGE_REF } from "../plan/patterns.js";
import { type FlagSettings, mergeSettings, type PlanSettings } from "../plan/settings.js";
import type { PlanArgs } from "./plan-options.js";

function parseEnvPairs(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (!ENV_NAME.pattern.test(key)) throw new UsageError(`--env ${pair}: ${ENV_NAME.message}`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/** Bad flag values are usage errors (exit 2), caught here before they could reach a plan. */
function parseTags(values: string[] | undefined): string[] | undefined {
  const tags = values?.flatMap((t) => t.split(",")).filter(Boolean);
  const bad = tags?.find((tag) => !BUILD_TAG.pattern.test(tag));
  if (bad !== undefined) throw new UsageError(`--tags ${bad}: ${BUILD_TAG.message}`);
  return tags;
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
    ...(args.tags ? { tags: parseTags(args.tags) } : {}),
    ...(args.ldflags ? { ldflags: args.ldflags } : {}),
    ...(args.env ? { env: parseEnvPairs(args.env) } : {}),
    ...(args["go-image"] ? { goImage: args["go-image"] } : {}),
    ...(args["cgo-image"] ? { cgoImage: args["cgo-image"] } : {}),
    ...(args["frontend-image"] ? { frontendImage: args["frontend-image"] } : {}),
  };
  if (args["go-image"] && !IMAGE_REF.pattern.test(args["go-image"])) {
    throw new UsageError(`--go-image ${args["go-image"]}: ${IMAGE_REF.message}`);
  }
  if (args["frontend-image"] && !IMAGE_REF.pattern.test(args["frontend-image"])) {
    throw new UsageError(`--frontend-image ${args["frontend-image"]}: ${IMAGE_REF.message}`);
  }
  const settings = mergeSettings(config, flags);
  if (config?.targets && !flags.targets) settings.targetsFrom = args.config ?? DEFAULT_CONFIG_FILE;
  return { dir, settings };
}
