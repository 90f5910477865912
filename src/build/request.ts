import type { ConvertOptions, GoPassthroughEnv } from "../convert/options.js";
import type { TypedAttrs } from "../proto/shapes.js";
import type { ResolveWithProbe } from "./probe.js";

/**
 * One build request: what to build from a plan and how. zod-free, so the frontend can translate its opts into
 * it before loading the converter. `rpk build` turns its flags and environment into one
 * (src/cli/build-request.ts; `rpk invoke` and `rpk dev` too), the frontend its BUILDKIT_FRONTEND_OPT_*
 * (frontend-opts.ts), as buildx turns flags into frontend attributes; a long-lived gateway session (src/dev)
 * sends one per rebuild.
 */
export interface BuildRequest {
  /** Only these targets; for image output exactly one Lambda must remain. */
  targets?: readonly string[];
  /**
   * Name of the local source carrying the Go sources. Fields left out take the converter's defaults
   * (CONVERT_DEFAULTS in src/convert/options.ts: "context" like buildctl, sandbox network, cache used).
   */
  contextName?: string;
  /** Session serving that local source (client builds: our own; frontends: BUILDKIT_SESSION_ID). */
  sessionId?: string;
  goEnv?: GoPassthroughEnv;
  network?: ConvertOptions["network"];
  secrets?: ConvertOptions["secrets"];
  ssh?: boolean;
  cacheImports?: TypedAttrs[];
  /** Ignore BuildKit's cache for every step (frontend opt `no-cache`, `rpk build --no-cache`). */
  noCache?: boolean;
  /** Called with progress-worthy notes (e.g. resolved base images); optional. */
  log?: (message: string) => void;
  /**
   * Re-plans with dependency sources a probe read inside the build; given, targets the plan marks
   * "probe-needed" are decided by that probe before anything else is built (see probe.ts).
   */
  resolveWithProbe?: ResolveWithProbe;
  /**
   * Zip output: when some targets fail to compile, output the ones that built, with manifest.json listing
   * the failed (`rpk build --keep-going`, frontend opt `keep-going`); `failed` in the result names them.
   */
  keepGoing?: boolean;
  /**
   * SBOM and provenance per target (`rpk build --sbom/--provenance`, frontend opts `attest:sbom` /
   * `attest:provenance`); both on when absent. Zip output writes them next to the zips; image output
   * hands them back in PlanBuildResult.records.
   */
  records?: { sbom: boolean; provenance: boolean };
}
