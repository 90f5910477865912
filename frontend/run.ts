/**
 * One frontend run after the plan's text arrived: validate it, apply the options, and run the same build
 * function `rpk build` runs (src/build) — once, or once per requested platform. main.ts loads this module
 * while the daemon serves the first Solve, since it brings in zod and the converter.
 */
import { type BuildPlanOptions, buildPlan, compileFailureLines, type PlanBuildResult } from "../src/build/index.js";
import type { BuildResult, LLBBridge } from "../src/gateway/index.js";
import type { Platform } from "../src/llb/index.js";
import { GOARCH_OF, type LambdaArchName, parsePlan } from "../src/plan/index.js";
import { retargetPlan } from "../src/plan/retarget.js";
import { type FrontendRequest, platformIdOf } from "./options.js";
import type { PlanText } from "./plan-source.js";

export interface RunFrontendOptions {
  /** Progress notes; the frontend sends them to stderr (buildkitd's log), never stdout. */
  log?: (message: string) => void;
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
      short: `rpk frontend: option "${key}" is not used by rpk and was ignored`,
    });
  }

  const contextSession = request.contextSessionId ?? request.sessionId;
  const buildOptions: BuildPlanOptions = {
    ...(request.targets ? { targets: request.targets } : {}),
    contextName: request.contextName,
    ...(contextSession ? { sessionId: contextSession } : {}),
    goEnv: request.goEnv,
    network: request.network,
    noCache: request.noCache,
    ...(request.keepGoing ? { keepGoing: true } : {}),
    ...(request.secrets.length > 0 ? { secrets: request.secrets } : {}),
    ...(request.ssh ? { ssh: true } : {}),
    ...(request.cacheImports.length > 0 ? { cacheImports: request.cacheImports } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  const settings = {
    ...(request.runtime ? { runtime: request.runtime } : {}),
    ...(request.artifact ? { artifact: request.artifact } : {}),
  };

  const archs = request.archs ?? [];
  if (archs.length <= 1) {
    const plan = retargetPlan(loaded.plan, { ...settings, ...(archs[0] ? { arch: archs[0] } : {}) });
    const built = await buildPlan(bridge, plan, buildOptions);
    await warnAboutFailures(bridge, built.failed, loaded.vertex);
    return {
      ...(built.ref !== undefined ? { ref: built.ref } : {}),
      ...(built.metadata ? { metadata: built.metadata } : {}),
    };
  }
  return buildPerPlatform(bridge, loaded.plan, archs, settings, buildOptions);
}

/**
 * Several platforms: one build per arch, returned as a per-platform result map with `refs.platforms`, which
 * every exporter understands (the local exporter writes one `linux_<arch>/` directory per platform, the
 * image exporter an index with one manifest per platform).
 */
async function buildPerPlatform(
  bridge: LLBBridge,
  basePlan: Parameters<typeof retargetPlan>[0],
  archs: LambdaArchName[],
  settings: Omit<Parameters<typeof retargetPlan>[1], "arch">,
  buildOptions: BuildPlanOptions,
): Promise<BuildResult> {
  const refs: Record<string, string> = {};
  const metadata: Record<string, Uint8Array | string> = {};
  const platforms: { ID: string; Platform: Platform }[] = [];
  for (const arch of archs) {
    const id = platformIdOf(arch);
    const built = await buildPlan(bridge, retargetPlan(basePlan, { ...settings, arch }), buildOptions);
    await warnAboutFailures(bridge, built.failed);
    refs[id] = built.ref ?? "";
    for (const [key, value] of Object.entries(built.metadata ?? {})) metadata[`${key}/${id}`] = value;
    platforms.push({ ID: id, Platform: { architecture: GOARCH_OF[arch], os: "linux" } });
  }
  metadata["refs.platforms"] = JSON.stringify({ Platforms: platforms });
  return { refs, metadata };
}

/**
 * keep-going: the build succeeds with what compiled, so the failures go back as build warnings (buildctl
 * lists them at the end) besides manifest.json's "failed" list.
 */
async function warnAboutFailures(bridge: LLBBridge, failed: PlanBuildResult["failed"], vertex?: string) {
  for (const failure of failed ?? []) {
    const [headline, ...detail] = compileFailureLines(failure);
    await bridge.warn({ ...(vertex ? { digest: vertex } : {}), level: 1, short: headline!, detail });
  }
}
