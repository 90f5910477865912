export { captureLog, goBuildArgs, packageArg } from "./compile.js";
export {
  type ConvertResult,
  convertPlan,
  type LambdaImageResult,
  selectTargets,
  type ZipArtifact,
  type ZipParts,
} from "./convert.js";
export { LAMBDA_BOOTSTRAP_PATH, lambdaImageConfig } from "./image.js";
export {
  BUILD_ARG_ONLY_ENV,
  CONVERT_DEFAULTS,
  type ConvertOptions,
  GO_PASSTHROUGH_ENV,
  type GoPassthroughEnv,
  LAYOUT,
} from "./options.js";
export { PROBE_BUNDLE, probeDependencies } from "./probe.js";
export {
  IN_TOTO_MEDIA_TYPE,
  type RecordsOptions,
  recordFileNames,
  SPDX_MEDIA_TYPE,
} from "./records.js";
export { moduleFiles } from "./sources.js";
export { zipOutput } from "./zip.js";
