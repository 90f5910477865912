/**
 * Frontend options → what one frontend run builds. buildkitd hands a gateway frontend its options as
 * `BUILDKIT_FRONTEND_OPT_<n>=<key>=<value>` environment variables (numbered in no particular order) and the
 * client's session as `BUILDKIT_SESSION_ID`; the keys follow the Dockerfile frontend's conventions so
 * `buildctl --opt` and buildx flags mean the same thing here.
 */
// Deep imports on purpose: this runs before the frontend's first Solve, so it must not pull in zod or grpc-js
// (the plan schema and the converter load while the daemon serves that Solve).
import { BUILD_ARG_ONLY_ENV, GO_PASSTHROUGH_ENV, type GoPassthroughEnv } from "../src/convert/options.js";
import { UserError } from "../src/errors.js";
import type { ArtifactTypeName, LambdaArchName, LambdaRuntimeName } from "../src/plan/schema.js";
import { GOARCH_OF } from "../src/plan/settings.js";
import type { TypedAttrs } from "../src/proto/shapes.js";

const LAMBDA_ARCHS: readonly LambdaArchName[] = ["x86_64", "arm64"];
const LAMBDA_RUNTIMES: readonly LambdaRuntimeName[] = ["provided.al2", "provided.al2023"];

export const DEFAULT_PLAN_FILE = "rpk.json";

export interface FrontendRequest {
  /** The client's session, serving the plan and context directories. */
  sessionId?: string;
  /** Local directory holding the plan (buildctl `--local dockerfile=DIR`; opt `dockerfilekey`). */
  planLocal: string;
  /** Session serving the plan directory when it differs (`local-sessionid:<name>`). */
  planSessionId?: string;
  /** The plan's file name inside that directory (opt `filename`). */
  planFile: string;
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
  /** Options that were given but mean nothing to rpk; reported back as build warnings. */
  ignored: string[];
}

/** Keys BuildKit or clients set that need nothing from rpk (the daemon handles attestations itself). */
const HANDLED_ELSEWHERE = new Set(["source", "cmdline", "frontend.caps", "multi-platform", "image-resolve-mode"]);

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

const ARCH_OF_PLATFORM: Record<string, LambdaArchName> = {
  "linux/amd64": "x86_64",
  "linux/x86_64": "x86_64",
  "linux/arm64": "arm64",
  "linux/arm64/v8": "arm64",
  "linux/aarch64": "arm64",
};

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
    const arch = ARCH_OF_PLATFORM[platform.toLowerCase()];
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
  if (value === "zip" || value === "image") return value;
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

export function parseFrontendOpts(opts: Readonly<Record<string, string>>, sessionId?: string): FrontendRequest {
  const planLocal = opts.dockerfilekey || "dockerfile";
  const contextName = opts.contextkey || "context";
  const request: FrontendRequest = {
    ...(sessionId ? { sessionId } : {}),
    planLocal,
    planFile: opts.filename || DEFAULT_PLAN_FILE,
    contextName,
    goEnv: {},
    noCache: false,
    keepGoing: false,
    network: "sandbox",
    secrets: [],
    ssh: false,
    cacheImports: [],
    ignored: [],
  };
  const goNames = new Set<string>([...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV]);
  let platformArchs: LambdaArchName[] | undefined;
  let arch: LambdaArchName | undefined;

  for (const key of Object.keys(opts).sort()) {
    const value = opts[key]!;
    if (key.startsWith("build-arg:")) {
      const name = key.slice("build-arg:".length);
      if (goNames.has(name)) (request.goEnv as Record<string, string>)[name] = value;
      else request.ignored.push(key);
      continue;
    }
    if (key.startsWith("local-sessionid:")) {
      const name = key.slice("local-sessionid:".length);
      if (name === planLocal) request.planSessionId = value;
      else if (name === contextName) request.contextSessionId = value;
      continue;
    }
    if (key.startsWith("attest:") || HANDLED_ELSEWHERE.has(key)) continue;
    switch (key) {
      case "filename":
      case "dockerfilekey":
      case "contextkey":
        break;
      case "target":
        request.targets = value
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean);
        if (request.targets.length === 0) delete request.targets;
        break;
      case "output":
        request.artifact = parseArtifact(value);
        break;
      case "runtime":
        request.runtime = parseRuntime(value);
        break;
      case "arch":
        arch = parseArch(value);
        break;
      case "platform":
        platformArchs = parsePlatforms(value);
        break;
      case "no-cache":
        // Empty means "everything" (buildctl --no-cache); a list names stages, and rpk's steps are not
        // addressable one by one, so any value disables the cache for the whole build.
        request.noCache = true;
        break;
      case "keep-going":
        request.keepGoing = value !== "false";
        break;
      case "force-network-mode":
        if (value === "host") request.network = "host";
        else if (value !== "" && value !== "sandbox") request.ignored.push(`${key}=${value}`);
        break;
      case "secrets":
        request.secrets = value
          .split(",")
          .map((id) => id.trim())
          .filter(Boolean)
          .map((id) => ({ id, target: secretTarget(id) }));
        break;
      case "ssh":
        request.ssh = value !== "false";
        break;
      case "cache-imports":
        request.cacheImports.push(...parseCacheImports(value));
        break;
      case "cache-from":
        for (const ref of value.split(",").map((r) => r.trim())) {
          if (ref) request.cacheImports.push({ type: "registry", attrs: { ref } });
        }
        break;
      default:
        request.ignored.push(key);
    }
  }

  if (arch && platformArchs && (platformArchs.length !== 1 || platformArchs[0] !== arch)) {
    throw new UserError(`frontend options arch=${arch} and platform=${opts.platform} disagree`, {
      hint: "pass one of them",
    });
  }
  const archs = platformArchs ?? (arch ? [arch] : undefined);
  if (archs && archs.length > 0) request.archs = archs;
  return request;
}

/** Same places as `rpk build --secret`: `netrc` is where Go's module fetcher looks for credentials. */
function secretTarget(id: string): string {
  return id === "netrc" ? "/root/.netrc" : `/run/secrets/${id}`;
}

/** `linux/amd64` / `linux/arm64`: how BuildKit names the platform of a per-platform result. */
export function platformIdOf(arch: LambdaArchName): string {
  return `linux/${GOARCH_OF[arch]}`;
}
