/**
 * The LLBBridge as a build function sees it. One interface, two transports: grpc-js on the daemon socket
 * (client-side builds, with the `buildkit-controlapi-buildid` header) and HTTP/2 over stdio (the frontend
 * container). The build function is written once against this interface.
 */
import type { MarshaledDefinition, Platform } from "../llb/index.js";
import type { TypedAttrs } from "../proto/shapes.js";

/** A Definition as produced by src/llb's `marshal`, or its encoded bytes. */
export type DefinitionInput = MarshaledDefinition | Uint8Array;

export interface Capability {
  id: string;
  enabled: boolean;
  deprecated: boolean;
  disabledReason?: string;
}

export interface PingResult {
  /** Gateway API caps (`solve.base`, `readfile`, `return`, …) by ID. */
  frontendCaps: Map<string, Capability>;
  /** LLB caps the daemon accepts (`source.image`, `exec.mount.cache`, …) by ID. */
  llbCaps: Map<string, Capability>;
  workers: { id: string; platforms: Platform[]; labels: Record<string, string> }[];
}

export type ResolveMode = "default" | "pull" | "local";

export interface ResolveImageConfigOptions {
  platform?: Platform;
  resolveMode?: ResolveMode;
  /** Progress line shown while resolving, e.g. `[internal] load metadata for docker.io/library/golang:1.23`. */
  logName?: string;
}

export interface ResolvedImageConfig {
  /** Manifest digest (`sha256:…`); pin with `<ref>@<digest>`. */
  digest: string;
  /** The reference after source-policy rewriting. */
  ref: string;
  /** The image config JSON, parsed. */
  config: unknown;
  /** The image config exactly as the registry served it. */
  configBytes: Uint8Array;
}

export interface BridgeSolveRequest {
  definition?: DefinitionInput;
  /** A nested frontend (e.g. `dockerfile.v0`) instead of a definition. */
  frontend?: string;
  frontendOpt?: Record<string, string>;
  frontendInputs?: Record<string, DefinitionInput>;
  /** Run the graph now instead of lazily when the ref is read or returned. */
  evaluate?: boolean;
  cacheImports?: TypedAttrs[];
}

/** fsutil Stat as returned by ReadDir/StatFile; `mode` is a Go os.FileMode. */
export interface FileStat {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  modTime: bigint;
  linkname: string;
}

export interface ReadFileOptions {
  offset?: number;
  length?: number;
}

export interface Warning {
  /** Vertex the warning belongs to (an op digest). */
  digest?: string;
  /** 1 = warning. */
  level?: number;
  short: string;
  detail?: string[];
  url?: string;
}

/** What a build function hands back: one ref, or one per platform, plus metadata for the exporter. */
export interface BuildResult {
  /** Ref ID from `solve`; empty string or undefined = an empty (scratch) result. */
  ref?: string;
  /** Per-platform refs, keyed by platform ID such as `linux/amd64` (with `refs.platforms` metadata). */
  refs?: Record<string, string>;
  /** e.g. `containerimage.config` → image config JSON bytes. Strings are UTF-8 encoded. */
  metadata?: Record<string, Uint8Array | string>;
}

export interface LLBBridge {
  ping(): Promise<PingResult>;
  resolveImageConfig(ref: string, options?: ResolveImageConfigOptions): Promise<ResolvedImageConfig>;
  /** Solves a definition (or nested frontend) and returns the ref ID of its single result. */
  solve(request: BridgeSolveRequest): Promise<string>;
  readFile(ref: string, path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  readDir(ref: string, path: string, includePattern?: string): Promise<FileStat[]>;
  statFile(ref: string, path: string): Promise<FileStat>;
  /** Forces a lazily solved ref to be built now. */
  evaluate(ref: string): Promise<void>;
  warn(warning: Warning): Promise<void>;
  /** Ends the build with a result or an error. Must be called exactly once. */
  return(result: BuildResult | Error): Promise<void>;
  /** The named definitions the client passed as frontend inputs. */
  inputs(): Promise<Record<string, Uint8Array>>;
}

/** A gRPC call that failed; `code` is the gRPC status code, details decoded from the trailer. */
export class GatewayCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly vertexDigest?: string,
  ) {
    super(message);
    this.name = "GatewayCallError";
  }
}
