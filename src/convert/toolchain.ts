import { type CacheMount, image, type Mount, type Platform, type State } from "../llb/index.js";
import type { PlanTarget } from "../plan/schema.js";
import { cgoCross } from "./cgo.js";
import type { ConvertOptions, ResolvedConvertOptions } from "./options.js";
import { BUILD_ARG_ONLY_ENV, GO_PASSTHROUGH_ENV, LAYOUT, secretPath } from "./options.js";

// Kept importable from here for existing callers; the rule lives in options.ts (zod-free, the frontend uses it).
export { secretPath };

/** The golang image on the build platform, with the environment every Go step shares. */
export function toolchainState(ref: string, platform: Platform, noCache = false): State {
  return withGoEnv(image(ref, { platform, ...(noCache ? { ignoreCache: true } : {}) }));
}

/** The environment every Go step shares, on any root that has Go in /usr/local/go. */
export function withGoEnv(root: State): State {
  return (
    root
      .env("PATH", LAYOUT.path)
      .env("GOPATH", LAYOUT.gopath)
      .env("GOMODCACHE", LAYOUT.modcache)
      .env("GOCACHE", LAYOUT.gocache)
      // The plan pins the toolchain through the image; never let go.mod's toolchain line download another.
      .env("GOTOOLCHAIN", "local")
  );
}

/** GOPROXY and friends as given by the user, sorted so the step's cache key does not depend on their order. */
export function passthroughEnv(options: ConvertOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV]) {
    const value = options.goEnv?.[key];
    if (value !== undefined && value !== "") env[key] = value;
  }
  return env;
}

/**
 * The environment of a `go build` for a target: the passthrough variables, a cgo cross compile's CC/CXX,
 * the plan's env, GOOS/GOARCH.
 */
export function compileEnv(target: PlanTarget, options: ResolvedConvertOptions): Record<string, string> {
  return {
    ...passthroughEnv(options),
    ...cgoCross(target, options)?.env,
    ...target.build.env,
    GOOS: target.build.goos,
    GOARCH: target.build.goarch,
  };
}

export const modCacheMount: CacheMount = {
  type: "cache",
  dest: LAYOUT.modcache,
  id: LAYOUT.modcacheId,
  sharing: "shared",
};

/**
 * The build cache of a compile: cgo targets get one per C build image. Go keys cgo objects by the C compiler's
 * name and version, not by the glibc it compiles against, so objects made for al2023's glibc must not be
 * linked into an al2 binary (its glibc lacks symbols, e.g. res_search outside libresolv).
 */
export function compileCacheMount(target: { cgo: boolean; image: string }): CacheMount {
  if (!target.cgo) return buildCacheMount;
  return { ...buildCacheMount, id: `${LAYOUT.gocacheId}-cgo-${target.image.replace(/[^A-Za-z0-9._-]+/g, "_")}` };
}

export const buildCacheMount: CacheMount = {
  type: "cache",
  dest: LAYOUT.gocache,
  id: LAYOUT.gocacheId,
  sharing: "shared",
};

/**
 * Secret and SSH mounts of the module download: every secret the build was given (private modules need
 * them there, and that step runs no code from the tree).
 */
export function downloadCredentialMounts(options: ConvertOptions): Mount[] {
  const mounts: Mount[] = (options.secrets ?? []).map((s) => ({ type: "secret", id: s.id, dest: s.target }));
  if (options.ssh) mounts.push({ type: "ssh" });
  return mounts;
}

/**
 * Secret mounts of a compile: only the ids its target names (rpk.config.json `secrets`). A compile runs code
 * from the tree and its cgo dependencies, which could embed a secret in the binary or print it in an error,
 * so a secret reaches no compile that did not ask for it, and the SSH agent reaches none. A named secret the
 * build was not given is mounted at its usual path all the same: BuildKit then reports it missing.
 */
export function compileSecretMounts(ids: readonly string[] | undefined, options: ConvertOptions): Mount[] {
  return (ids ?? []).map((id) => ({
    type: "secret",
    id,
    dest: options.secrets?.find((s) => s.id === id)?.target ?? secretPath(id),
  }));
}
