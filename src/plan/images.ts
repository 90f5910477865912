import { chooseGolangImage, golangImageRef, PREFERRED_GOLANG_VARIANT } from "./golang-image.js";
import type { LambdaRuntimeName } from "./schema.js";

/**
 * Image references rpk plans with, and the glibc facts that decide which image may build cgo targets. A cgo
 * binary links against the build image's glibc and fails to start on a Lambda runtime with an older one.
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

/** Compares dotted versions numerically (2.9 < 2.17 < 2.34): glibc versions, not Go versions (see gover.ts). */
export function compareDottedVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** AWS's build image for a provided runtime: Amazon Linux with gcc and the glibc the runtime runs with. */
export function samBuildImage(runtime: LambdaRuntimeName): string {
  return `public.ecr.aws/sam/build-provided.${runtime === "provided.al2" ? "al2" : "al2023"}:latest`;
}

const SAM_BUILD_IMAGE = /(^|\/)sam\/build-provided\.(al2023|al2)(:|@|$)/;

/**
 * glibc of an image rpk can judge by its name: AWS's build-provided images (their runtime's glibc) and golang
 * images whose tag names a Debian release (golang:1.26.8-bullseye); undefined for anything else.
 */
export function glibcOfImage(image: string): string | undefined {
  const sam = SAM_BUILD_IMAGE.exec(image);
  if (sam) return RUNTIME_GLIBC[sam[2] === "al2" ? "provided.al2" : "provided.al2023"];
  const tag = image.split(":").pop() ?? "";
  const variant = tag.split("-").pop() ?? "";
  return DEBIAN_GLIBC[variant];
}

/**
 * Picks the C build image of a cgo target: the user's choice when given (trusted unless its name shows a newer
 * glibc, see cgoImageProblem), else the runtime's own build image, so the binary links against exactly the
 * glibc it runs with whatever the Go version. The Go toolchain is not taken from it: the compile copies
 * /usr/local/go in from the plan's golang image.
 */
export function chooseCgoImage(options: { runtime: LambdaRuntimeName; userImage?: string }): string {
  return options.userImage ?? samBuildImage(options.runtime);
}

/** Checks a (possibly hand-edited) plan's cgo image against the runtime; returns a problem or undefined. */
export function cgoImageProblem(image: string, runtime: LambdaRuntimeName): string | undefined {
  const glibc = glibcOfImage(image);
  const limit = RUNTIME_GLIBC[runtime];
  if (glibc && compareDottedVersions(glibc, limit) > 0) {
    return `cgo image ${image} has glibc ${glibc}, newer than ${runtime}'s ${limit}: the binary would fail to start on Lambda`;
  }
  return undefined;
}
