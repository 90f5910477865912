import { image, type Mount, rm, type State } from "../llb/index.js";
import type { PlanTarget } from "../plan/index.js";
import { type ResolvedConvertOptions, step } from "./options.js";

/**
 * cgo targets compile in a C build image (by default AWS's build-provided image of their runtime: Amazon Linux
 * with gcc and the glibc the Lambda runs with) into which the Go toolchain is copied from the golang image. So
 * the binary links against the runtime's own glibc whatever the Go version, and `--go-image` still decides Go.
 */

/** Where a cross compile finds the target architecture's build image: its root filesystem, never run. */
export const CGO_SYSROOT = "/rpk-sysroot";

/** Where the official golang images keep Go (LAYOUT.path has its bin directory). */
export const GOROOT = "/usr/local/go";

/** GNU triples of the cross compilers rpk asks a build image for (`aarch64-linux-gnu-gcc`, …). */
const CROSS_TRIPLE: Record<PlanTarget["build"]["goarch"], string> = {
  amd64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
};

/**
 * The C build image on the build platform with /usr/local/go copied from `goFrom` (the golang image after the
 * module download, so cgo compiles also start after it).
 */
export function cgoRootState(options: { buildImage: string; goFrom: State; convert: ResolvedConvertOptions }): State {
  const { convert } = options;
  const platform = convert.buildPlatform;
  const base = image(options.buildImage, { platform, ...(convert.noCache ? { ignoreCache: true } : {}) });
  // Replace, never merge: a build image that has a Go of its own must not mix it with the plan's.
  return base.file(
    rm(GOROOT, { allowNotFound: true }).copy(options.goFrom, GOROOT, GOROOT, { createDestPath: true }),
    step(`[cgo] copy Go into ${options.buildImage}`, convert),
  );
}

/** What a compile of a cgo target for another architecture than the build platform's adds. */
export interface CgoCross {
  /** CC/CXX naming the cross compiler with the sysroot; empty when the user's env sets CC. */
  env: Record<string, string>;
  /** The target architecture's build image, read-only at CGO_SYSROOT. */
  mounts: Mount[];
  /** Wraps a compile's argv so a missing cross compiler fails with one line that says what to do. */
  wrap(args: string[]): string[];
}

/**
 * Undefined for native or cgo-less compiles. Otherwise rpk asks the build image for the GNU cross compiler of
 * the target (x86_64-/aarch64-linux-gnu-gcc) with the target-arch image as sysroot: no emulation, and the
 * glibc linked is still the runtime's. AWS's images ship no cross compilers, so there the build fails with a
 * line naming the ways out; a CC in the target's env replaces all of this (the sysroot stays mounted).
 */
export function cgoCross(target: PlanTarget, convert: ResolvedConvertOptions): CgoCross | undefined {
  const buildArch = convert.buildPlatform.architecture;
  if (!target.cgo || target.build.goarch === buildArch) return undefined;
  const sysroot = image(target.image, {
    platform: { os: "linux", architecture: target.build.goarch },
    ...(convert.noCache ? { ignoreCache: true } : {}),
  });
  const mounts: Mount[] = [{ type: "bind", dest: CGO_SYSROOT, from: sysroot, readonly: true }];
  if (target.build.env.CC) return { env: {}, mounts, wrap: (args) => args };
  const triple = CROSS_TRIPLE[target.build.goarch];
  const cc = `${triple}-gcc`;
  const problem =
    `rpk: target "${target.name}" needs a C cross compiler for ${target.build.goarch}, and ${target.image} has no ${cc}` +
    ` (${buildArch} build platform): set CC in rpk.config.json overrides.${target.name}.env,` +
    ` or --cgo-image an image that has ${cc}, or build on a linux/${target.build.goarch} daemon`;
  const check = `command -v ${cc} >/dev/null 2>&1 || { echo '${problem}' >&2; exit 1; }; exec "$@"`;
  return {
    env: { CC: `${cc} --sysroot=${CGO_SYSROOT}`, CXX: `${triple}-g++ --sysroot=${CGO_SYSROOT}` },
    mounts,
    wrap: (args) => ["/bin/sh", "-c", check, "rpk-cgo", ...args],
  };
}
