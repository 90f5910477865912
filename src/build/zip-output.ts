/**
 * Building the zip output directory. The whole output is solved first (evaluated, so a failure surfaces
 * here rather than at export); when that fails, compile-failures.ts finds every target that failed to
 * compile and what the compiler said. Then either all of them are reported (exit 1, nothing exported), or,
 * with keepGoing, the output is built from the targets that compiled, manifest.json listing the failed.
 * A failure that is not a compile failure is handed back to the daemon unchanged: the lazily solved output
 * is returned, and its export fails with the daemon's own error, naming the step, as it always did.
 */
import { type ZipParts, zipOutput } from "../convert/index.js";
import type { LLBBridge } from "../gateway/index.js";
import { type MarshalOptions, marshal, type Platform } from "../llb/index.js";
import type { TypedAttrs } from "../proto/shapes.js";
import type { PlanBuildResult } from "./build-plan.js";
import { compileFailuresError, findCompileFailures, isCancellation } from "./compile-failures.js";

export interface ZipBuildOptions {
  marshalOptions: MarshalOptions;
  buildPlatform: Platform;
  cacheImports?: TypedAttrs[];
  keepGoing?: boolean;
}

export async function buildZipOutput(
  bridge: LLBBridge,
  parts: ZipParts,
  options: ZipBuildOptions,
): Promise<PlanBuildResult> {
  const { buildPlatform, marshalOptions } = options;
  const cache = options.cacheImports ? { cacheImports: options.cacheImports } : {};
  const definition = marshal(zipOutput(parts), marshalOptions);
  try {
    return { ref: await bridge.solve({ definition, evaluate: true, ...cache }), buildPlatform };
  } catch (error) {
    if (isCancellation(error)) throw error;
  }
  const outcome = await findCompileFailures(bridge, parts.artifacts, marshalOptions);
  if (!outcome) return { ref: await bridge.solve({ definition, ...cache }), buildPlatform };
  const failed = outcome.failed.map((f) => ({ name: f.artifact.target.name, output: f.output }));
  if (!options.keepGoing || outcome.compiled.length === 0) throw compileFailuresError(failed);
  const partial = zipOutput({
    ...parts,
    artifacts: outcome.compiled,
    failed: outcome.failed.map((f) => ({ target: f.artifact.target, file: f.artifact.file, log: f.artifact.capture })),
  });
  const ref = await bridge.solve({ definition: marshal(partial, marshalOptions), evaluate: true, ...cache });
  return { ref, buildPlatform, failed };
}
