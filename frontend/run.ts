/**
 * One frontend run after the plan's text arrived: validate it, apply the options, and run the same build
 * function `rpk build` runs (src/build) — once, or once per requested platform. main.ts loads this module
 * while the daemon serves the first Solve, since it brings in zod and the converter.
 */

import { buildRequestOf, type FrontendRequest, RPK_BUILD_ARGS } from "../src/build/frontend-opts.js";
import { buildPlatforms } from "../src/build/index.js";
import { BUILD_ARG_ONLY_ENV, GO_PASSTHROUGH_ENV } from "../src/convert/options.js";
import type { BuildResult, LLBBridge } from "../src/gateway/index.js";
import { parsePlan } from "../src/plan/index.js";
import type { PlanText } from "./plan-source.js";

export interface RunFrontendOptions {
  /** Progress notes; the frontend sends them to stderr (buildkitd's log), never stdout. */
  log?: (message: string) => void;
}

/** One line per option rpk did not use; a build arg says which ones rpk reads. */
export function ignoredWarning(key: string): string {
  if (!key.startsWith("build-arg:")) return `rpk frontend: option "${key}" is not used by rpk and was ignored`;
  const name = key.slice("build-arg:".length);
  const known = [...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV, ...Object.keys(RPK_BUILD_ARGS)].join(", ");
  return `rpk frontend: build arg ${name} is not used by rpk and was ignored (rpk reads ${known})`;
}

export async function buildFromPlan(
  bridge: LLBBridge,
  request: FrontendRequest,
  planText: PlanText,
  options: RunFrontendOptions = {},
): Promise<BuildResult> {
  const loaded = { plan: parsePlan(planText.text, planText.file), vertex: planText.vertex };
  for (const key of request.ignored) {
    await bridge.warn({
      ...(loaded.vertex ? { digest: loaded.vertex } : {}),
      level: 1,
      short: ignoredWarning(key),
    });
  }
  const settings = {
    ...(request.runtime ? { runtime: request.runtime } : {}),
    ...(request.artifact ? { artifact: request.artifact } : {}),
  };
  const buildRequest = buildRequestOf(request, options.log);
  return buildPlatforms(bridge, loaded.plan, request.archs ?? [], settings, buildRequest, loaded.vertex);
}
