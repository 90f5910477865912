import { DEFAULT_PLATFORM, type ImageConfig, type Platform } from "../llb/index.js";
import type { LambdaRuntimeName } from "../plan/index.js";
import type { RecordsOptions } from "./records.js";

/** Environment variables that reach `go mod download` and `go build` from the user's environment. */
export const GO_PASSTHROUGH_ENV = [
  "GOFLAGS",
  "GOINSECURE",
  "GONOPROXY",
  "GONOSUMCHECK",
  "GONOSUMDB",
  "GOPRIVATE",
  "GOPROXY",
  "GOSUMDB",
] as const;

/**
 * Accepted only as build args, never from the environment: `SSL_CERT_FILE` names a CA bundle inside the build
 * (a secret's path, for a private module proxy with its own CA); a host path would mean nothing there.
 */
export const BUILD_ARG_ONLY_ENV = ["SSL_CERT_FILE"] as const;

export type GoPassthroughEnv = Partial<
  Record<(typeof GO_PASSTHROUGH_ENV)[number] | (typeof BUILD_ARG_ONLY_ENV)[number], string>
>;

export interface ConvertOptions {
  /** Only these targets (names); all of the plan's when absent. */
  targets?: readonly string[];
  /** Where the Go toolchain runs. Compiles cross-compile from here; never emulated. Default: CONVERT_DEFAULTS. */
  buildPlatform?: Platform;
  /** Name of the local source that carries the sources (`--local context=DIR`). Default: CONVERT_DEFAULTS. */
  contextName?: string;
  /** Session that serves the context (client builds); absent for `rpk llb | buildctl`. */
  sessionId?: string;
  /** GOPROXY and friends (see GO_PASSTHROUGH_ENV); other keys are ignored. */
  goEnv?: GoPassthroughEnv;
  /** Network of steps that fetch modules. Default: CONVERT_DEFAULTS (BuildKit's sandbox network). */
  network?: "sandbox" | "host";
  /**
   * Secrets the build was given, e.g. a .netrc for private modules: all are mounted into the module download,
   * a compile gets only those its target names (PlanTarget.secrets).
   */
  secrets?: readonly { id: string; target: string }[];
  /** Forward the client's SSH agent into the module download (git over ssh for GOPRIVATE modules); never compiles. */
  ssh?: boolean;
  /**
   * Resolved config of the Lambda base image per runtime and platform, for image output. The build function
   * resolves it through the gateway; without it the image config is not produced.
   */
  baseImageConfig?: (runtime: LambdaRuntimeName, platform: Platform) => ImageConfig | undefined;
  /** Re-run every step, ignoring BuildKit's cache (cache mounts still serve modules and build objects). */
  noCache?: boolean;
  /** SBOM and provenance per target (records.ts); none when absent or both are off. */
  records?: RecordsOptions;
}

/**
 * The defaults of every build, applied here and nowhere else: `rpk build`, `rpk llb`, `rpk dev`, the frontend
 * and src/build leave a field out to get them, so a default changes in one line.
 */
export const CONVERT_DEFAULTS = {
  contextName: "context",
  network: "sandbox",
  buildPlatform: DEFAULT_PLATFORM,
  noCache: false,
  goEnv: {},
} as const satisfies ConvertOptions;

type Defaulted = keyof typeof CONVERT_DEFAULTS;

/** ConvertOptions with CONVERT_DEFAULTS filled in: what the converter's steps read. */
export type ResolvedConvertOptions = Omit<ConvertOptions, Defaulted> & Required<Pick<ConvertOptions, Defaulted>>;

export function withConvertDefaults(options: ConvertOptions): ResolvedConvertOptions {
  return {
    ...options,
    contextName: options.contextName ?? CONVERT_DEFAULTS.contextName,
    network: options.network ?? CONVERT_DEFAULTS.network,
    buildPlatform: options.buildPlatform ?? CONVERT_DEFAULTS.buildPlatform,
    noCache: options.noCache ?? CONVERT_DEFAULTS.noCache,
    goEnv: options.goEnv ?? CONVERT_DEFAULTS.goEnv,
  };
}

/** Options every op gets: its progress name, and ignoreCache under --no-cache. */
export function step(name: string, options: { noCache?: boolean }): { customName: string; ignoreCache?: boolean } {
  return options.noCache ? { customName: name, ignoreCache: true } : { customName: name };
}

/**
 * Where a secret is mounted: `netrc` where Go's module fetcher reads credentials, others under /run/secrets.
 * One rule for `rpk build --secret` and the frontend's `secrets` opt.
 */
export function secretPath(id: string): string {
  return id === "netrc" ? "/root/.netrc" : `/run/secrets/${id}`;
}

/** Paths and cache ids inside the toolchain containers. */
export const LAYOUT = {
  src: "/src",
  out: "/out",
  /** Where compiles write each artifact's digest record, and where the manifest step reads them. */
  digest: "/digest",
  tmp: "/tmp",
  tool: "/rpk",
  gopath: "/go",
  modcache: "/go/pkg/mod",
  gocache: "/root/.cache/go-build",
  modcacheId: "rpk-go-mod-cache",
  gocacheId: "rpk-go-build-cache",
  // The official golang images put Go here; setting PATH ourselves keeps the LLB independent of image config.
  path: "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
} as const;
