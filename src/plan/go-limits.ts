/**
 * What rpk passes to the go command depends on the plan's Go version: flags and files that older releases
 * do not know make `go build` fail ("flag provided but not defined: -buildvcs"). Every choice here is a pure
 * function of `go.version` and rpk's own tables, so a plan still fully determines its LLB.
 */
import { GO_RELEASES } from "../analyze/go-releases.js";
import { compareGoVersions } from "../analyze/gover.js";
import type { ResolvedGoVersion } from "../analyze/types.js";
import { UserError } from "../errors.js";
import { golangImageFor } from "./golang-image.js";

/** Oldest Go rpk builds: `-trimpath` (reproducible paths) and `-tags a,b` both arrived in Go 1.13. */
export const MIN_GO_VERSION = "1.13";
/** `-buildvcs` and go.work arrived in Go 1.18. */
const BUILDVCS_SINCE = "1.18";
/** rpkzip.go uses strings.Cut and `any` (1.18) and zip.Writer.CreateRaw (1.17). */
const ZIP_TOOL_NEEDS = "1.18";

const atLeast = (version: string, minimum: string) => compareGoVersions(version, minimum) >= 0;

/** Build flags every target gets: reproducible paths, no VCS stamping (the context has no .git) where Go has it. */
export function defaultBuildFlags(goVersion: string): string[] {
  return atLeast(goVersion, BUILDVCS_SINCE) ? ["-trimpath", "-buildvcs=false"] : ["-trimpath"];
}

/** A UserError when rpk cannot build this Go version (too old, or a go.work that its go does not read). */
export function checkGoVersionSupported(goVersion: ResolvedGoVersion, options: { workspace: boolean }): void {
  const where = goVersion.file ? { where: goVersion.file } : {};
  if (!atLeast(goVersion.version, MIN_GO_VERSION)) {
    throw new UserError(
      `rpk builds Go ${MIN_GO_VERSION} or newer, not Go ${goVersion.version} (from ${goVersion.source})`,
      {
        ...where,
        hint: "pin a newer Go in .go-version (or raise go.mod's go line)",
      },
    );
  }
  if (options.workspace && !atLeast(goVersion.version, BUILDVCS_SINCE)) {
    throw new UserError(
      `go.work needs Go ${BUILDVCS_SINCE} or newer, not Go ${goVersion.version} (from ${goVersion.source})`,
      { ...where, hint: "pin Go 1.18 or newer in .go-version, or run rpk inside one module without go.work" },
    );
  }
}

/** The newest Go release in rpk's table ("1.27.4"). */
function newestRelease(): string {
  return Object.values(GO_RELEASES).reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b));
}

/**
 * The image rpk-zip is compiled in: the plan's own image when its Go can compile rpkzip.go (no extra pull),
 * else the golang image of the newest release rpk knows. A pure function of the plan's Go version and rpk's
 * version (its tables), so it is not recorded in the plan. rpk-zip is static (CGO_ENABLED=0) and runs in the
 * old image's containers unchanged.
 */
export function zipToolImage(plan: { go: { version: string; image: string } }): string {
  if (atLeast(plan.go.version, ZIP_TOOL_NEEDS)) return plan.go.image;
  // `--go-image golang:1.26.8-bookworm` on a go 1.17 module: the image's own tag says its Go is new enough.
  // Pulling rpk's newest golang image instead failed where only the chosen image is reachable (a mirror).
  const tagged = golangTagVersion(plan.go.image);
  if (tagged !== undefined && atLeast(tagged, ZIP_TOOL_NEEDS)) return plan.go.image;
  const newest = newestRelease();
  const choice = golangImageFor(newest);
  if (!choice) throw new Error(`internal: no golang image for rpk's newest Go release ${newest}`);
  return choice.image;
}

/** The Go version in the tag of an image named golang (any registry or mirror): "…/golang:1.26.8-bookworm" → "1.26.8". */
function golangTagVersion(image: string): string | undefined {
  return /(?:^|\/)golang:(\d+\.\d+(?:\.\d+)?)(?:-[^@/]*)?(?:@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
}
