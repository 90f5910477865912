/**
 * Public API of the Go source analyzer. `analyze` is what the plan builder calls; the parsers are
 * exported for tests and for tools that need one piece (e.g. `rpk info`).
 */
export { analyze } from "./analyze.js";
export { buildTagSet, ConstraintSyntaxError, evalBuildConstraint, matchFileName } from "./constraint.js";
export { GO_RELEASES } from "./go-releases.js";
export { type GoVersionSources, miseGoVersion, resolveGoVersion, toolVersionsGoVersion } from "./go-version.js";
export { emptyGoMod, parseGoMod, parseGoWork } from "./gomod.js";
export { compareGoVersions, completeGoVersion, parseGoVersion } from "./gover.js";
export { KNOWN_CGO_MODULES } from "./package.js";
export {
  type GoFileScan,
  type GoImport,
  LAMBDA_PACKAGE,
  LAMBDAURL_PACKAGE,
  type ScanOptions,
  scanGoFile,
} from "./scan-go-file.js";
export type * from "./types.js";
