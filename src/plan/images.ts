import { UserError } from "../errors.js";
import { chooseGolangImage, golangImageRef, PREFERRED_GOLANG_VARIANT } from "./golang-image.js";
import type { LambdaRuntimeName } from "./schema.js";

/**
 * Image references rpk plans with, and the glibc facts that decide which golang image may build cgo targets.
 * A cgo binary links against the build image's glibc and fails to start on a Lambda runtime with an older one.
 */

/** glibc shipped by each Lambda OS-only runtime. */
export const RUNTIME_GLIBC: Record<LambdaRuntimeName, string> = {
  "provided.al2": "2.26",
  "provided.al2023": "2.34",
};

/** glibc of the Debian releases the official golang images are built on. */
const DEBIAN_GLIBC: Record<string, string> = {
  buster: "2.28",
  bullseye: "2.31",
  bookworm: "2.36",
  trixie: "2.41",
};

export const DEFAULT_GOLANG_VARIANT = PREFERRED_GOLANG_VARIANT;

/**
 * The official golang image for a Go version: with a variant, that tag; without, the tag docker-library
 * published for the version (bookworm when it exists, else its newest Debian variant — see golang-image.ts).
 * Throws a UserError when no Debian image exists for the version.
 */
export function golangImage(version: string, variant?: string): string {
  if (variant) return golangImageRef(version, variant);
  return chooseGolangImage({ version, source: "the plan" }).image;
}

/** The Lambda base image for container-image output. */
export function lambdaBaseImage(runtime: LambdaRuntimeName): string {
  return `public.ecr.aws/lambda/provided:${runtime === "provided.al2" ? "al2" : "al2023"}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** glibc of a golang image when its tag names a known Debian release (golang:1.26.8-bullseye), else undefined. */
export function glibcOfImage(image: string): string | undefined {
  const tag = image.split(":").pop() ?? "";
  const variant = tag.split("-").pop() ?? "";
  return DEBIAN_GLIBC[variant];
}

/**
 * Picks the image for cgo targets: the user's choice when given (trusted — it may be an Amazon Linux image we
 * cannot judge), else the newest Debian variant whose glibc is not newer than the runtime's.
 */
export function chooseCgoImage(options: {
  goVersion: string;
  runtime: LambdaRuntimeName;
  userImage?: string;
  target: string;
}): string {
  if (options.userImage) return options.userImage;
  const limit = RUNTIME_GLIBC[options.runtime];
  const candidates = Object.entries(DEBIAN_GLIBC)
    .filter(([, glibc]) => compareVersions(glibc, limit) <= 0)
    .sort((a, b) => compareVersions(b[1], a[1]));
  // buster images stopped at Go 1.22, so only bullseye and newer are real choices for current Go.
  const usable = candidates.filter(([variant]) => variant !== "buster");
  const best = usable[0];
  if (!best) {
    throw new UserError(
      `target "${options.target}" needs cgo, and no official golang image has a glibc as old as ${options.runtime}'s (${limit})`,
      {
        hint: `set "cgoImage" in rpk.config.json to a Go image built on Amazon Linux 2 (glibc ${limit}), or use --runtime provided.al2023`,
      },
    );
  }
  return golangImage(options.goVersion, best[0]);
}

/** Checks a (possibly hand-edited) plan's cgo image against the runtime; returns a problem or undefined. */
export function cgoImageProblem(image: string, runtime: LambdaRuntimeName): string | undefined {
  const glibc = glibcOfImage(image);
  const limit = RUNTIME_GLIBC[runtime];
  if (glibc && compareVersions(glibc, limit) > 0) {
    return `cgo image ${image} has glibc ${glibc}, newer than ${runtime}'s ${limit}: the binary would fail to start on Lambda`;
  }
  return undefined;
}
