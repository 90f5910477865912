import { UserError } from "../errors.js";
import type { ImageConfig, Platform, State } from "../llb/index.js";
import { zipToolImage } from "../plan/go-limits.js";
import type { Plan, PlanTarget } from "../plan/index.js";
import { cgoRootState } from "./cgo.js";
import { type ArtifactPackaging, type CompiledTarget, compileTarget } from "./compile.js";
import { downloadModules } from "./download.js";
import { lambdaImage, lambdaImageConfig } from "./image.js";
import { type ConvertOptions, type ResolvedConvertOptions, withConvertDefaults } from "./options.js";
import { type RecordsOptions, recordsWanted } from "./records.js";
import { compileSharedPackages, sharedPackageGroups } from "./shared.js";
import { contextState, moduleFilesState } from "./sources.js";
import { toolchainState, withGoEnv } from "./toolchain.js";
import { imageRecords, zipOutput, zipTool } from "./zip.js";

export interface LambdaImageResult {
  target: string;
  platform: Platform;
  state: State;
  /** Present when ConvertOptions.baseImageConfig knew the base image's config. */
  config?: ImageConfig;
  /**
   * With ConvertOptions.records: `/<target>.spdx.json` and/or `/<target>.provenance.json` (recordFileNames),
   * a state of its own beside the image, so the image itself stays a single Lambda manifest.
   */
  records?: State;
}

export interface ConvertResult {
  artifact: Plan["artifact"];
  targets: PlanTarget[];
  /** zip artifact: the output directory (zips, command binaries, manifest.json). */
  zip?: State;
  /** image artifact: one image per Lambda target. */
  images: LambdaImageResult[];
  /** zip artifact: the pieces of `zip`, to build a partial output when some compiles fail (--keep-going). */
  zipParts?: ZipParts;
}

export interface ZipArtifact {
  target: PlanTarget;
  file: string;
  /** The artifact at `/<file>`. */
  state: State;
  /** Its digest record. */
  digest: State;
  /** The capture compile (built only when asked): the compiler's output at `/<captureLog(file)>`. */
  capture: State;
}

export interface ZipParts {
  toolchain: State;
  tool: State;
  artifacts: ZipArtifact[];
  noCache: boolean;
  /** SBOM and provenance asked for: the manifest step writes them (zipOutput). */
  records?: { plan: Plan; options: RecordsOptions };
}

export function selectTargets(plan: Plan, names: readonly string[] | undefined): PlanTarget[] {
  if (!names?.length) return plan.targets;
  const byName = new Map(plan.targets.map((t) => [t.name, t]));
  return names.map((name) => {
    const target = byName.get(name);
    if (!target) {
      throw new UserError(`unknown target "${name}"`, {
        hint: `the plan has: ${plan.targets.map((t) => t.name).join(", ")}`,
      });
    }
    return target;
  });
}

/** The states compiles start from: the toolchains, the module download, cgo roots, shared-package builds. */
interface CompileRoots {
  toolchain: State;
  context: State;
  afterDownload: State;
  /** Where a target compiles when no shared-package build serves it. */
  imageRoot: (target: PlanTarget) => State;
  /** The toolchain state of a Go image (one per image). */
  toolchainFor: (ref: string) => State;
}

function compileRoots(
  plan: Plan,
  options: ResolvedConvertOptions,
  targets: PlanTarget[],
  buildPlatform: Platform,
): CompileRoots {
  const toolchains = new Map<string, State>();
  const toolchainFor = (ref: string): State => {
    let state = toolchains.get(ref);
    if (!state) {
      state = toolchainState(ref, buildPlatform, options.noCache);
      toolchains.set(ref, state);
    }
    return state;
  };
  const toolchain = toolchainFor(plan.go.image);
  const context = contextState(plan, options);
  const afterDownload = downloadModules(toolchain, moduleFilesState(context, plan, options), plan, options, targets);
  // cgo targets compile in their C build image with Go copied in from after the download (which orders
  // them after it too); other targets in another image than the plan's only if the plan was hand-edited.
  const cgoRoots = new Map<string, State>();
  const imageRoot = (target: PlanTarget): State => {
    if (target.cgo) {
      let root = cgoRoots.get(target.image);
      if (!root) {
        root = withGoEnv(cgoRootState({ buildImage: target.image, goFrom: afterDownload, convert: options }));
        cgoRoots.set(target.image, root);
      }
      return root;
    }
    return target.image === plan.go.image ? afterDownload : toolchainFor(target.image);
  };
  return { toolchain, context, afterDownload, imageRoot, toolchainFor };
}

/**
 * Shared-package builds per group of targets, and the root the zip tool builds on: the first shared build
 * in the plan's own image on the build platform (its objects are warm), else the module download.
 */
function sharedRoots(
  plan: Plan,
  options: ResolvedConvertOptions,
  targets: PlanTarget[],
  roots: CompileRoots,
  buildPlatform: Platform,
) {
  const rootByTarget = new Map<string, State>();
  let toolRoot = roots.afterDownload;
  for (const group of sharedPackageGroups(plan, targets)) {
    const first = group.targets[0]!;
    const shared = compileSharedPackages({
      group,
      plan,
      root: roots.imageRoot(first),
      context: roots.context,
      convert: options,
    });
    for (const target of group.targets) rootByTarget.set(target.name, shared);
    if (
      first.image === plan.go.image &&
      first.build.goarch === buildPlatform.architecture &&
      toolRoot === roots.afterDownload
    ) {
      toolRoot = shared;
    }
  }
  return { rootByTarget, toolRoot };
}

type Compile = (target: PlanTarget, artifact?: ArtifactPackaging) => CompiledTarget;

/** Image artifact: one Lambda image per Lambda target, on that target's platform. */
function imageResults(
  targets: PlanTarget[],
  compile: Compile,
  options: ResolvedConvertOptions,
  /** With records: the plan, the toolchain the records step runs in, and rpk-zip (built on first use). */
  records?: { plan: Plan; toolchain: State; tool: () => State },
): LambdaImageResult[] {
  const lambdas = targets.filter((t) => t.kind === "lambda");
  if (lambdas.length === 0) {
    throw new UserError("image output needs at least one Lambda target", {
      hint: "pick a Lambda with --target, or use --artifact zip for commands",
    });
  }
  return lambdas.map((target) => {
    const platform: Platform = { os: "linux", architecture: target.build.goarch };
    const baseConfig = options.baseImageConfig?.(target.runtime, platform);
    // With records, the compile runs under rpk-zip (binary kept at /<output>) and leaves its build record.
    const packaging = records ? { tool: records.tool(), file: target.output, zip: false } : undefined;
    const compiled = compile(target, packaging);
    const state = lambdaImage({
      target,
      binary: compiled.output,
      platform,
      noCache: options.noCache,
      ...(baseConfig ? { baseConfig } : {}),
    });
    return {
      target: target.name,
      platform,
      state,
      ...(baseConfig ? { config: lambdaImageConfig(baseConfig, target, platform) } : {}),
      ...(records && packaging && options.records
        ? {
            records: imageRecords({
              toolchain: records.toolchain,
              tool: packaging.tool,
              target,
              digest: compiled.digest!,
              file: packaging.file,
              plan: records.plan,
              records: options.records,
              noCache: options.noCache,
            }),
          }
        : {}),
    };
  });
}

/** Zip artifact: each target's zip (or command binary), its digest record and its capture compile. */
function zipParts(targets: PlanTarget[], compile: Compile, toolchain: State, tool: State, noCache: boolean): ZipParts {
  const artifacts = targets.map((target): ZipArtifact => {
    const zip = target.kind === "lambda";
    const file = zip ? `${target.name}.zip` : target.output;
    const { output, digest } = compile(target, { tool, file, zip });
    const capture = compile(target, { tool, file, zip, capture: true }).digest!;
    return { target, file, state: output, digest: digest!, capture };
  });
  return { toolchain, tool, artifacts, noCache };
}

/** Turns a plan into LLB states: toolchain → module download → one compile per target → zips or images. */
export function convertPlan(plan: Plan, given: ConvertOptions = {}): ConvertResult {
  const options = withConvertDefaults(given);
  const { buildPlatform } = options;
  const targets = selectTargets(plan, options.targets);
  const roots = compileRoots(plan, options, targets, buildPlatform);
  const { rootByTarget, toolRoot } = sharedRoots(plan, options, targets, roots, buildPlatform);
  const compile: Compile = (target, artifact) =>
    compileTarget({
      target,
      plan,
      root: rootByTarget.get(target.name) ?? roots.imageRoot(target),
      context: roots.context,
      convert: options,
      ...(artifact ? { artifact } : {}),
    });
  const { noCache } = options;
  // rpkzip.go needs Go 1.18: an older plan compiles it in rpk's tool image (a static binary runs anywhere).
  const toolImage = zipToolImage(plan);
  let tool: State | undefined;
  const toolFor = (): State => {
    tool ??= zipTool(toolImage === plan.go.image ? toolRoot : roots.toolchainFor(toolImage), noCache);
    return tool;
  };
  if (plan.artifact === "image") {
    const records = recordsWanted(options.records) ? { plan, toolchain: roots.toolchain, tool: toolFor } : undefined;
    return { artifact: "image", targets, images: imageResults(targets, compile, options, records) };
  }
  const parts = zipParts(targets, compile, roots.toolchain, toolFor(), noCache);
  if (recordsWanted(options.records)) parts.records = { plan, options: options.records };
  return { artifact: "zip", targets, zip: zipOutput(parts), images: [], zipParts: parts };
}
