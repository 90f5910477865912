import { type ConvertOptions, convertPlan, type LambdaImageResult } from "../convert/index.js";
import type { BuildResult, LLBBridge } from "../gateway/index.js";
import { DEFAULT_PLATFORM, type ImageConfig, marshal, type Platform } from "../llb/index.js";
import { lambdaBaseImage } from "../plan/images.js";
import type { LambdaRuntimeName, Plan } from "../plan/schema.js";
import { rpkVersion } from "../version.js";
import { resolveUnknownTargets } from "./probe.js";
import { readTargetRecords, type TargetRecords } from "./records.js";
import { recordsMetadata } from "./records-metadata.js";
import type { BuildRequest } from "./request.js";
import { oneSolveExport } from "./solve-exports.js";
import { buildZipOutput } from "./zip-output.js";

/**
 * The build function, written once: `rpk build` runs it client-side against the daemon, the gateway
 * frontend runs it inside BuildKit. Same plan + request → same LLB → same bytes out.
 */
export interface PlanBuildResult extends BuildResult {
  /** For image output: the image config handed to the exporter. */
  imageConfig?: ImageConfig;
  /** The platform compiles ran on. */
  buildPlatform: Platform;
  /** With keepGoing: the targets that failed to compile (not in the output; listed in manifest.json). */
  failed?: { name: string; output: string }[];
  /**
   * Image output with SBOM or provenance on: the Lambda's records (see records.ts), to be attached to the
   * pushed image (OCI referrers); zip output has them as files in the output instead.
   */
  records?: TargetRecords[];
}

/**
 * The convert options of a build: the probe's steps and the build's share them (same download vertex, same
 * context). Fields the request leaves out stay out: the converter applies the defaults (CONVERT_DEFAULTS).
 */
function probeConvertOptions(
  options: BuildRequest,
  buildPlatform: Platform,
): ConvertOptions & { buildPlatform: Platform } {
  return {
    ...(options.targets ? { targets: options.targets } : {}),
    buildPlatform,
    ...(options.contextName ? { contextName: options.contextName } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.goEnv ? { goEnv: options.goEnv } : {}),
    ...(options.network ? { network: options.network } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.ssh ? { ssh: true } : {}),
    ...(options.noCache ? { noCache: true } : {}),
  };
}

/** The records a request asks for (both by default), with rpk's version as the builder's. */
function recordsOptions(options: BuildRequest) {
  return {
    sbom: options.records?.sbom ?? true,
    provenance: options.records?.provenance ?? true,
    rpkVersion: rpkVersion(),
  };
}

/** The daemon's native platform: compiles run there and cross-compile, never under emulation. */
function nativePlatform(workers: { platforms: Platform[] }[]): Platform {
  const first = workers.find((w) => w.platforms.length > 0)?.platforms[0];
  return first ? { os: first.os, architecture: first.architecture } : DEFAULT_PLATFORM;
}

/** Image output: the config of each (runtime, arch) Lambda base image the selected Lambdas start from. */
async function resolveBaseConfigs(
  bridge: LLBBridge,
  plan: Plan,
  targets: readonly string[] | undefined,
): Promise<Map<string, ImageConfig>> {
  const baseConfigs = new Map<string, ImageConfig>();
  if (plan.artifact !== "image") return baseConfigs;
  const wanted = new Set(targets ?? plan.targets.map((t) => t.name));
  for (const target of plan.targets.filter((t) => wanted.has(t.name) && t.kind === "lambda")) {
    const platform: Platform = { os: "linux", architecture: target.build.goarch };
    const key = `${target.runtime}|${platform.architecture}`;
    if (baseConfigs.has(key)) continue;
    const resolved = await bridge.resolveImageConfig(lambdaBaseImage(target.runtime), {
      platform,
      logName: `[internal] load metadata for ${lambdaBaseImage(target.runtime)} (${platform.os}/${platform.architecture})`,
    });
    baseConfigs.set(key, resolved.config as ImageConfig);
  }
  return baseConfigs;
}

/** Image output: one Lambda image, solved on the daemon; its config goes to the exporter. */
async function buildImageOutput(
  bridge: LLBBridge,
  image: LambdaImageResult,
  options: BuildRequest,
  marshalOptions: { platform: Platform; caps: string[] },
): Promise<PlanBuildResult> {
  const definition = marshal(image.state, marshalOptions);
  const ref = await bridge.solve({
    definition,
    ...(options.cacheImports ? { cacheImports: options.cacheImports } : {}),
  });
  const imageConfig = image.config!;
  const records = image.records ? await solveImageRecords(bridge, image, options, marshalOptions) : undefined;
  return {
    ref,
    buildPlatform: marshalOptions.platform,
    imageConfig,
    // The records ride in `frontend.*` metadata (records-metadata.ts): the exporter response, not the image.
    metadata: { "containerimage.config": JSON.stringify(imageConfig), ...(records ? recordsMetadata(records) : {}) },
    ...(records ? { records: [records] } : {}),
  };
}

/** Image output: solves the Lambda's records state and reads the records back as bytes. */
async function solveImageRecords(
  bridge: LLBBridge,
  image: LambdaImageResult,
  options: BuildRequest,
  marshalOptions: { platform: Platform; caps: string[] },
): Promise<TargetRecords> {
  const ref = await bridge.solve({
    definition: marshal(image.records!, marshalOptions),
    evaluate: true,
    ...(options.cacheImports ? { cacheImports: options.cacheImports } : {}),
  });
  const { sbom, provenance } = recordsOptions(options);
  return readTargetRecords(bridge, ref, image.target, { sbom, provenance });
}

export async function buildPlan(
  bridge: LLBBridge,
  planned: Plan,
  options: BuildRequest = {},
): Promise<PlanBuildResult> {
  const ping = await bridge.ping();
  const buildPlatform = nativePlatform(ping.workers);
  const llbCaps = [...ping.llbCaps.values()].filter((c) => c.enabled).map((c) => c.id);
  const plan = options.resolveWithProbe
    ? await resolveUnknownTargets(bridge, planned, {
        convert: probeConvertOptions(options, buildPlatform),
        llbCaps,
        resolve: options.resolveWithProbe,
        ...(options.log ? { log: options.log } : {}),
      })
    : planned;

  const exported = oneSolveExport(plan, options.targets);
  const baseConfigs = await resolveBaseConfigs(bridge, plan, options.targets);
  // The same convert options as the probe's (same download vertex, same context), plus the base images.
  const converted = convertPlan(plan, {
    ...probeConvertOptions(options, buildPlatform),
    baseImageConfig: (runtime: LambdaRuntimeName, platform: Platform) =>
      baseConfigs.get(`${runtime}|${platform.architecture}`),
    records: recordsOptions(options),
  });
  const marshalOptions = { platform: buildPlatform, caps: llbCaps };
  if (exported.artifact === "zip") {
    return buildZipOutput(bridge, converted.zipParts!, {
      marshalOptions,
      buildPlatform,
      ...(options.cacheImports ? { cacheImports: options.cacheImports } : {}),
      ...(options.keepGoing ? { keepGoing: true } : {}),
    });
  }
  return buildImageOutput(bridge, converted.images[0]!, options, marshalOptions);
}
