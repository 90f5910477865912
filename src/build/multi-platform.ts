/**
 * Several platforms in one build: one build per arch, returned as a per-platform result map with
 * `refs.platforms`, which every exporter understands (the local exporter writes one `linux_<arch>/` directory
 * per platform, the image exporter an index with one manifest per platform).
 */
import type { BuildResult, LLBBridge } from "../gateway/types.js";
import type { Platform } from "../llb/index.js";
import { GOARCH_OF, type LambdaArchName, platformOf } from "../plan/lambda.js";
import { retargetPlan } from "../plan/retarget.js";
import type { Plan } from "../plan/schema.js";
import { buildPlan, type PlanBuildResult } from "./build-plan.js";
import { compileFailureLines } from "./compile-failures.js";
import type { BuildRequest } from "./request.js";

/** Settings a request may override in the plan for every platform (the arch comes from the platform). */
export type PlatformSettings = Omit<Parameters<typeof retargetPlan>[1], "arch">;

/**
 * Builds `plan` for each arch (none or one: the plan's own or that arch, as a plain result). Compile failures
 * under keepGoing go back as build warnings (buildctl lists them at the end) besides manifest.json's list.
 */
export async function buildPlatforms(
  bridge: LLBBridge,
  plan: Plan,
  archs: readonly LambdaArchName[],
  settings: PlatformSettings,
  request: BuildRequest,
  vertex?: string,
): Promise<BuildResult> {
  if (archs.length <= 1) {
    const single = retargetPlan(plan, { ...settings, ...(archs[0] ? { arch: archs[0] } : {}) });
    const built = await buildPlan(bridge, single, request);
    await warnAboutFailures(bridge, built.failed, vertex);
    return {
      ...(built.ref !== undefined ? { ref: built.ref } : {}),
      ...(built.metadata ? { metadata: built.metadata } : {}),
    };
  }
  const refs: Record<string, string> = {};
  const metadata: Record<string, Uint8Array | string> = {};
  const platforms: { ID: string; Platform: Platform }[] = [];
  for (const arch of archs) {
    const id = platformOf(arch);
    const built = await buildPlan(bridge, retargetPlan(plan, { ...settings, arch }), request);
    await warnAboutFailures(bridge, built.failed);
    refs[id] = built.ref ?? "";
    for (const [key, value] of Object.entries(built.metadata ?? {})) metadata[`${key}/${id}`] = value;
    platforms.push({ ID: id, Platform: { architecture: GOARCH_OF[arch], os: "linux" } });
  }
  metadata["refs.platforms"] = JSON.stringify({ Platforms: platforms });
  return { refs, metadata };
}

async function warnAboutFailures(bridge: LLBBridge, failed: PlanBuildResult["failed"], vertex?: string) {
  for (const failure of failed ?? []) {
    const [headline, ...detail] = compileFailureLines(failure);
    await bridge.warn({ ...(vertex ? { digest: vertex } : {}), level: 1, short: headline!, detail });
  }
}
