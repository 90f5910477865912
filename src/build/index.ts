export { type BuildPlanOptions, buildPlan, type PlanBuildResult } from "./build-plan.js";
export {
  type BundleFile,
  parseProbeBundle,
  type ResolveWithProbe,
  resolveUnknownTargets,
  unknownTargets,
} from "./probe.js";
