import type { RpkConfig, TargetOverride } from "./config.js";
import type { ArtifactTypeName, LambdaArchName, LambdaRuntimeName } from "./lambda.js";

/** User settings after merging the config file with CLI flags (flags win; lists and env maps add up). */
export interface PlanSettings {
  targets?: string[];
  /** The config file `targets` came from, named in errors; absent when --target chose them. */
  targetsFrom?: string;
  arch: LambdaArchName;
  runtime: LambdaRuntimeName;
  artifact: ArtifactTypeName;
  tags: string[];
  ldflags: string;
  env: Record<string, string>;
  goImage?: string;
  cgoImage?: string;
  /** The plan's `syntax` (rpk's frontend image); DEFAULT_FRONTEND_IMAGE when absent. */
  frontendImage?: string;
  include: string[];
  overrides: Record<string, TargetOverride>;
  /** Secret ids every target's compile may read (config `secrets`); per target in `overrides`. */
  secrets?: string[];
}

/** Settings given on the command line; every field optional. */
export interface FlagSettings {
  targets?: string[];
  arch?: LambdaArchName;
  runtime?: LambdaRuntimeName;
  artifact?: ArtifactTypeName;
  tags?: string[];
  ldflags?: string;
  env?: Record<string, string>;
  goImage?: string;
  cgoImage?: string;
  frontendImage?: string;
}

export const DEFAULT_SETTINGS: PlanSettings = {
  arch: "x86_64",
  runtime: "provided.al2023",
  artifact: "zip",
  tags: [],
  ldflags: "",
  env: {},
  include: [],
  overrides: {},
};

export function mergeSettings(config: RpkConfig | undefined, flags: FlagSettings = {}): PlanSettings {
  const c = config ?? {};
  const targets = flags.targets?.length ? flags.targets : c.targets;
  const ldflags = [c.ldflags, flags.ldflags].filter((s): s is string => !!s?.trim()).join(" ");
  return {
    ...(targets ? { targets } : {}),
    arch: flags.arch ?? c.arch ?? DEFAULT_SETTINGS.arch,
    runtime: flags.runtime ?? c.runtime ?? DEFAULT_SETTINGS.runtime,
    artifact: flags.artifact ?? c.artifact ?? DEFAULT_SETTINGS.artifact,
    tags: [...(c.tags ?? []), ...(flags.tags ?? [])],
    ldflags,
    env: { ...(c.env ?? {}), ...(flags.env ?? {}) },
    ...((flags.goImage ?? c.goImage) ? { goImage: flags.goImage ?? c.goImage } : {}),
    ...((flags.cgoImage ?? c.cgoImage) ? { cgoImage: flags.cgoImage ?? c.cgoImage } : {}),
    ...((flags.frontendImage ?? c.frontendImage) ? { frontendImage: flags.frontendImage ?? c.frontendImage } : {}),
    include: c.include ?? [],
    overrides: c.overrides ?? {},
    ...(c.secrets?.length ? { secrets: c.secrets } : {}),
  };
}

export { GOARCH_OF } from "./lambda.js";
