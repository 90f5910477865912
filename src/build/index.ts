export { type BuildPlanOptions, buildPlan, type PlanBuildResult } from "./build-plan.js";
export { compileFailureLines, compileFailuresError } from "./compile-failures.js";
export {
  type BundleFile,
  parseProbeBundle,
  type ResolveWithProbe,
  resolveUnknownTargets,
  unknownTargets,
} from "./probe.js";
