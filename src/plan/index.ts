export { ConfigSchema, parseConfig, type RpkConfig } from "./config.js";
export { DEFAULT_CONFIG_FILE, loadConfig } from "./config-file.js";
export { type AnalysesByArch, createPlan, DEFAULT_BUILD_FLAGS, DEFAULT_LDFLAGS, LAMBDA_TAGS } from "./create.js";
export { planDirectory } from "./from-directory.js";
export { DEFAULT_FRONTEND_IMAGE, FRONTEND_IMAGE_REPOSITORY, RPK_VERSION } from "./frontend-image.js";
export { checkGoVersionSupported, defaultBuildFlags, MIN_GO_VERSION, zipToolImage } from "./go-limits.js";
export {
  chooseGolangImage,
  GOLANG_IMAGE_OVERRIDES,
  type GolangImageChoice,
  type GolangVariants,
  type GoVersionOrigin,
  golangImageFor,
  golangImageRef,
  golangVariants,
} from "./golang-image.js";
export { cgoImageProblem, glibcOfImage, golangImage, lambdaBaseImage, RUNTIME_GLIBC } from "./images.js";
export { retargetPlan } from "./retarget.js";
export * from "./schema.js";
export { configJsonSchema, parsePlan, planJsonSchema, serializePlan } from "./serialize.js";
export { DEFAULT_SETTINGS, type FlagSettings, GOARCH_OF, mergeSettings, type PlanSettings } from "./settings.js";
