import { type CacheMount, image, type Mount, type Platform, type State } from "../llb/index.js";
import type { PlanTarget } from "../plan/schema.js";
import type { ConvertOptions } from "./options.js";
import { GO_PASSTHROUGH_ENV, LAYOUT } from "./options.js";

/** The golang image on the build platform, with the environment every Go step shares. */
export function toolchainState(ref: string, platform: Platform, noCache = false): State {
  return (
    image(ref, { platform, ...(noCache ? { ignoreCache: true } : {}) })
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
  for (const key of GO_PASSTHROUGH_ENV) {
    const value = options.goEnv?.[key];
    if (value !== undefined && value !== "") env[key] = value;
  }
  return env;
}

/** The environment of a `go build` for a target: the passthrough variables, the plan's env, GOOS/GOARCH. */
export function compileEnv(target: PlanTarget, options: ConvertOptions): Record<string, string> {
  return {
    ...passthroughEnv(options),
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

export const buildCacheMount: CacheMount = {
  type: "cache",
  dest: LAYOUT.gocache,
  id: LAYOUT.gocacheId,
  sharing: "shared",
};

/** Secret and SSH mounts for steps that may fetch private modules. */
export function credentialMounts(options: ConvertOptions): Mount[] {
  const mounts: Mount[] = (options.secrets ?? []).map((s) => ({ type: "secret", id: s.id, dest: s.target }));
  if (options.ssh) mounts.push({ type: "ssh" });
  return mounts;
}
