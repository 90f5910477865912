/**
 * Frontend options → what one frontend run builds. buildkitd hands a gateway frontend its options as
 * `BUILDKIT_FRONTEND_OPT_<n>=<key>=<value>` environment variables (numbered in no particular order) and the
 * client's session as `BUILDKIT_SESSION_ID`; the keys follow the Dockerfile frontend's conventions so
 * `buildctl --opt` and buildx flags mean the same thing here.
 */
// Deep imports on purpose: this runs before the frontend's first Solve, so it must not pull in zod or grpc-js
// (the plan schema and the converter load while the daemon serves that Solve).
import {
  BUILD_ARG_ONLY_ENV,
  CONVERT_DEFAULTS,
  GO_PASSTHROUGH_ENV,
  type GoPassthroughEnv,
  secretPath,
} from "../convert/options.js";
import { UserError } from "../errors.js";
import {
  ARTIFACT_TYPES,
  type ArtifactTypeName,
  archOfPlatform,
  LAMBDA_ARCHS,
  LAMBDA_RUNTIMES,
  type LambdaArchName,
  type LambdaRuntimeName,
} from "../plan/lambda.js";
import type { TypedAttrs } from "../proto/shapes.js";
import { attestEnabled, attestKind } from "./attest-opts.js";
import type { BuildRequest } from "./request.js";

export const DEFAULT_PLAN_FILE = "rpk.json";

export interface FrontendRequest {
  /** The client's session, serving the plan and context directories. */
  sessionId?: string;
  /** Local directory holding the plan (buildctl `--local dockerfile=DIR`; opt `dockerfilekey`). */
  planLocal: string;
  /** Session serving the plan directory when it differs (`local-sessionid:<name>`). */
  planSessionId?: string;
  /** The plan's file name inside that directory (opt `filename`; may be a path below it). */
  planFile: string;
  /**
   * Set when opt `dockerfilekey` named the plan's local: the plan is read from that local even when the
   * client also sent a `dockerfile` frontend input (the Dockerfile frontend's rule).
   */
  planLocalExplicit?: true;
  /** Local directory with the Go sources (`--local context=DIR`; opt `contextkey`). */
  contextName: string;
  contextSessionId?: string;
  targets?: string[];
  /** zip or image; the plan's own `artifact` when absent. */
  artifact?: ArtifactTypeName;
  runtime?: LambdaRuntimeName;
  /** One entry per platform to build; absent: each target's own arch from the plan. */
  archs?: LambdaArchName[];
  goEnv: GoPassthroughEnv;
  noCache: boolean;
  /** Opt `keep-going`: export the targets that compiled, manifest.json listing the failed (zip output). */
  keepGoing: boolean;
  network: "sandbox" | "host";
  /** Secrets (served by the client: `buildctl --secret id=…`) mounted into module downloads and compiles. */
  secrets: { id: string; target: string }[];
  /** Forward the client's SSH agent (`buildctl --ssh default`) for git over ssh. */
  ssh: boolean;
  cacheImports: TypedAttrs[];
  /** rpk's records, on unless an attestation opt turns them off (attest-opts.ts). */
  records: { sbom: boolean; provenance: boolean };
  /** Options that were given but mean nothing to rpk; reported back as build warnings. */
  ignored: string[];
}

/**
 * Keys BuildKit or clients set that need nothing from rpk: the daemon handles attestations itself, and the
 * Dockerfile frontend sets `source`/`cmdline` when it forwards a plan whose `syntax` names rpk's frontend.
 */
const HANDLED_ELSEWHERE = new Set(["source", "cmdline", "frontend.caps", "multi-platform", "image-resolve-mode"]);

/**
 * rpk's own options as build args, for clients that can send nothing else (`docker buildx build --build-arg
 * RPK_OUTPUT=image`): each means the option it names; the option itself wins when both are given.
 */
export const RPK_BUILD_ARGS: Readonly<Record<string, string>> = {
  RPK_ARCH: "arch",
  RPK_KEEP_GOING: "keep-going",
  RPK_OUTPUT: "output",
  RPK_RUNTIME: "runtime",
  RPK_SECRETS: "secrets",
  RPK_SSH: "ssh",
};

/** Build args BuildKit acted on before rpk's frontend ran (forwarding to it; multi-platform results). */
const BUILDKIT_BUILD_ARGS = new Set(["BUILDKIT_SYNTAX", "BUILDKIT_MULTI_PLATFORM"]);

/** The opts with rpk's build args (RPK_BUILD_ARGS) turned into the options they stand for. */
function withBuildArgOptions(opts: Readonly<Record<string, string>>): Record<string, string> {
  const merged: Record<string, string> = { ...opts };
  for (const [name, option] of Object.entries(RPK_BUILD_ARGS)) {
    const value = opts[`build-arg:${name}`];
    if (value !== undefined && opts[option] === undefined) merged[option] = value;
  }
  return merged;
}

/** A remote build context (git or HTTP URL) that the Dockerfile frontend would fetch; rpk reads a local one. */
function checkLocalContext(key: string, value: string): void {
  if (!/^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/.test(value) && !value.includes(".git#")) return;
  throw new UserError(
    `frontend option ${key}=${value}: rpk builds from a local source directory, not a remote context`,
    {
      hint: "clone the repository and pass its directory (docker buildx build -f rpk.json DIR, or buildctl --local context=DIR)",
    },
  );
}

/** `BUILDKIT_FRONTEND_OPT_*` → key/value map; the value is everything after the first `=`. */
export function frontendOptsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const opts: Record<string, string> = {};
  for (const [name, entry] of Object.entries(env)) {
    if (!name.startsWith("BUILDKIT_FRONTEND_OPT_") || entry === undefined) continue;
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    opts[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return opts;
}

function parseArch(value: string): LambdaArchName {
  const trimmed = value.trim();
  if (trimmed === "amd64") return "x86_64";
  const arch = LAMBDA_ARCHS.find((a) => a === trimmed);
  if (!arch) {
    throw new UserError(`frontend option arch=${value} is not a Lambda architecture`, { hint: "use x86_64 or arm64" });
  }
  return arch;
}

function parsePlatforms(value: string): LambdaArchName[] {
  const archs: LambdaArchName[] = [];
  for (const raw of value.split(",")) {
    const platform = raw.trim();
    if (platform === "") continue;
    const arch = archOfPlatform(platform);
    if (!arch) {
      throw new UserError(`frontend option platform=${value}: ${platform} is not a Lambda platform`, {
        hint: "use linux/amd64, linux/arm64 or both, comma-separated",
      });
    }
    if (!archs.includes(arch)) archs.push(arch);
  }
  return archs;
}

function parseRuntime(value: string): LambdaRuntimeName {
  const runtime = LAMBDA_RUNTIMES.find((r) => r === value.trim());
  if (!runtime) {
    throw new UserError(`frontend option runtime=${value} is not a Lambda OS-only runtime`, {
      hint: "use provided.al2023 or provided.al2",
    });
  }
  return runtime;
}

function parseArtifact(value: string): ArtifactTypeName {
  const artifact = ARTIFACT_TYPES.find((a) => a === value);
  if (artifact) return artifact;
  throw new UserError(`frontend option output=${value} is not an rpk artifact`, { hint: "use zip or image" });
}

interface CacheImportJson {
  Type?: unknown;
  type?: unknown;
  Attrs?: unknown;
  attrs?: unknown;
}

/** `cache-imports` as buildctl and buildx send it: JSON `[{"Type":"registry","Attrs":{"ref":"…"}}]`. */
export function parseCacheImports(value: string): TypedAttrs[] {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (error) {
    throw new UserError(`frontend option cache-imports is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new UserError("frontend option cache-imports must be a JSON array");
  return raw.map((entry: CacheImportJson, i) => {
    const type = entry?.Type ?? entry?.type;
    const attrs = entry?.Attrs ?? entry?.attrs ?? {};
    if (typeof type !== "string" || type === "" || typeof attrs !== "object" || attrs === null) {
      throw new UserError(`frontend option cache-imports[${i}] needs "Type" (string) and "Attrs" (object)`);
    }
    const stringAttrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) stringAttrs[k] = String(v);
    return { type, attrs: stringAttrs };
  });
}

/** Arch choices read from `arch` and `platform`; reconciled once every opt is read. */
interface ArchOpts {
  arch?: LambdaArchName;
  platformArchs?: LambdaArchName[];
}

const GO_BUILD_ARGS = new Set<string>([...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV]);

function commaList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `build-arg:NAME` and `local-sessionid:NAME` opts; false when the key has neither prefix. */
function applyPrefixedOpt(request: FrontendRequest, key: string, value: string): boolean {
  const record = attestKind(key);
  if (record) {
    request.records[record] = attestEnabled(value);
    return true;
  }
  if (key.startsWith("build-arg:")) {
    const name = key.slice("build-arg:".length);
    if (GO_BUILD_ARGS.has(name)) (request.goEnv as Record<string, string>)[name] = value;
    else if (!RPK_BUILD_ARGS[name] && !BUILDKIT_BUILD_ARGS.has(name)) request.ignored.push(key);
    return true;
  }
  if (key === request.contextName) {
    checkLocalContext(key, value);
    request.ignored.push(key);
    return true;
  }
  if (key.startsWith("local-sessionid:")) {
    const name = key.slice("local-sessionid:".length);
    if (name === request.planLocal) request.planSessionId = value;
    else if (name === request.contextName) request.contextSessionId = value;
    return true;
  }
  return key.startsWith("attest:") || HANDLED_ELSEWHERE.has(key);
}

/** Opts about what is built and for which Lambda; false when the key is not one of them. */
function applyTargetOpt(request: FrontendRequest, archOpts: ArchOpts, key: string, value: string): boolean {
  switch (key) {
    case "filename":
    case "dockerfilekey":
    case "contextkey":
      return true;
    case "target": {
      const targets = commaList(value);
      if (targets.length > 0) request.targets = targets;
      else delete request.targets;
      return true;
    }
    case "output":
      request.artifact = parseArtifact(value);
      return true;
    case "runtime":
      request.runtime = parseRuntime(value);
      return true;
    case "arch":
      archOpts.arch = parseArch(value);
      return true;
    case "platform":
      archOpts.platformArchs = parsePlatforms(value);
      return true;
    default:
      return false;
  }
}

/** Opts about how the build runs (cache, network, secrets); false when the key is not one of them. */
function applyRunOpt(request: FrontendRequest, key: string, value: string): boolean {
  switch (key) {
    case "no-cache":
      // Empty means "everything" (buildctl --no-cache); a list names stages, and rpk's steps are not
      // addressable one by one, so any value disables the cache for the whole build.
      request.noCache = true;
      return true;
    case "keep-going":
      request.keepGoing = value !== "false";
      return true;
    case "force-network-mode":
      if (value === "host") request.network = "host";
      else if (value !== "" && value !== "sandbox") request.ignored.push(`${key}=${value}`);
      return true;
    case "secrets":
      request.secrets = commaList(value).map((id) => ({ id, target: secretPath(id) }));
      return true;
    case "ssh":
      request.ssh = value !== "false";
      return true;
    case "cache-imports":
      request.cacheImports.push(...parseCacheImports(value));
      return true;
    case "cache-from":
      for (const ref of commaList(value)) request.cacheImports.push({ type: "registry", attrs: { ref } });
      return true;
    default:
      return false;
  }
}

/** `arch` and `platform` may both be given only when they name the same single arch. */
function reconcileArchs({ arch, platformArchs }: ArchOpts, platformOpt: string | undefined) {
  if (arch && platformArchs && (platformArchs.length !== 1 || platformArchs[0] !== arch)) {
    throw new UserError(`frontend options arch=${arch} and platform=${platformOpt} disagree`, {
      hint: "pass one of them",
    });
  }
  const archs = platformArchs ?? (arch ? [arch] : undefined);
  return archs && archs.length > 0 ? archs : undefined;
}

export function parseFrontendOpts(given: Readonly<Record<string, string>>, sessionId?: string): FrontendRequest {
  const opts = withBuildArgOptions(given);
  const request: FrontendRequest = {
    ...(sessionId ? { sessionId } : {}),
    planLocal: opts.dockerfilekey || "dockerfile",
    ...(opts.dockerfilekey ? { planLocalExplicit: true as const } : {}),
    planFile: opts.filename || DEFAULT_PLAN_FILE,
    contextName: opts.contextkey || CONVERT_DEFAULTS.contextName,
    goEnv: {},
    noCache: false,
    keepGoing: false,
    network: CONVERT_DEFAULTS.network,
    secrets: [],
    ssh: false,
    cacheImports: [],
    records: { sbom: true, provenance: true },
    ignored: [],
  };
  const archOpts: ArchOpts = {};
  for (const key of Object.keys(opts).sort()) {
    const value = opts[key]!;
    const known =
      applyPrefixedOpt(request, key, value) ||
      applyTargetOpt(request, archOpts, key, value) ||
      applyRunOpt(request, key, value);
    if (!known) request.ignored.push(key);
  }
  const archs = reconcileArchs(archOpts, opts.platform);
  if (archs) request.archs = archs;
  return request;
}

/** The frontend's request → the one BuildRequest `rpk build` also makes (the context session may be its own). */
export function buildRequestOf(request: FrontendRequest, log?: (message: string) => void): BuildRequest {
  const contextSession = request.contextSessionId ?? request.sessionId;
  return {
    ...(request.targets ? { targets: request.targets } : {}),
    contextName: request.contextName,
    ...(contextSession ? { sessionId: contextSession } : {}),
    goEnv: request.goEnv,
    network: request.network,
    noCache: request.noCache,
    ...(request.keepGoing ? { keepGoing: true } : {}),
    ...(request.secrets.length > 0 ? { secrets: request.secrets } : {}),
    ...(request.ssh ? { ssh: true } : {}),
    ...(request.cacheImports.length > 0 ? { cacheImports: request.cacheImports } : {}),
    records: { ...request.records },
    ...(log ? { log } : {}),
  };
}
