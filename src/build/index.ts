export { buildPlan, type PlanBuildResult } from "./build-plan.js";
export { compileFailureLines, compileFailuresError } from "./compile-failures.js";
export { buildPlatforms, type PlatformSettings } from "./multi-platform.js";
export {
  type BundleFile,
  parseProbeBundle,
  type ResolveWithProbe,
  resolveUnknownTargets,
  unknownTargets,
} from "./probe.js";
export {
  IN_TOTO_MEDIA_TYPE,
  readTargetRecords,
  SPDX_MEDIA_TYPE,
  type TargetRecords,
  withProvenanceSubject,
} from "./records.js";
export { RECORD_METADATA_KEYS, recordsMetadata } from "./records-metadata.js";
export type { BuildRequest } from "./request.js";
export {
  oneSolveExport,
  requestForExport,
  type SolveExport,
  selectedTargets,
  solveExports,
} from "./solve-exports.js";
