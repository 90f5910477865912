/**
 * LLBBridge client: encodes requests with the shared protobuf codecs and sends them through whatever
 * transport it is given (grpc-js on the daemon socket, or HTTP/2 on stdio inside a frontend).
 */
import type { Platform } from "../llb/index.js";
import { codec, withRawField, withRawMapField } from "../proto/codec.js";
import type { DecodedStat } from "../proto/shapes.js";
import type { BridgeTransport } from "./transport.js";
import type {
  BridgeSolveRequest,
  BuildResult,
  Capability,
  DefinitionInput,
  FileStat,
  LLBBridge,
  PingResult,
  ReadFileOptions,
  ResolvedImageConfig,
  ResolveImageConfigOptions,
  Warning,
} from "./types.js";

const PKG = "moby.buildkit.v1.frontend";
/** gRPC status UNKNOWN: what a build function's failure is reported as. */
const STATUS_UNKNOWN = 2;

interface WireCap {
  ID: string;
  Enabled: boolean;
  Deprecated: boolean;
  DisabledReason: string;
}

interface WirePlatform {
  OS: string;
  Architecture: string;
  Variant: string;
}

interface WireResult {
  refDeprecated?: string;
  ref?: { id: string } | null;
  refs?: { refs: Record<string, { id: string }> } | null;
  refsDeprecated?: { refs: Record<string, string> } | null;
  result?: string;
}

export function definitionBytes(definition: DefinitionInput): Uint8Array {
  return definition instanceof Uint8Array ? definition : definition.bytes;
}

function toCapabilities(caps: WireCap[]): Map<string, Capability> {
  const out = new Map<string, Capability>();
  for (const c of caps) {
    const cap: Capability = { id: c.ID, enabled: c.Enabled, deprecated: c.Deprecated };
    if (c.DisabledReason) cap.disabledReason = c.DisabledReason;
    out.set(c.ID, cap);
  }
  return out;
}

function toPlatform(p: WirePlatform): Platform {
  return p.Variant
    ? { os: p.OS, architecture: p.Architecture, variant: p.Variant }
    : { os: p.OS, architecture: p.Architecture };
}

function toFileStat(s: DecodedStat): FileStat {
  return {
    path: s.path,
    mode: s.mode >>> 0,
    uid: s.uid,
    gid: s.gid,
    size: Number(s.size),
    modTime: BigInt(s.modTime),
    linkname: s.linkname,
  };
}

function singleRef(result: WireResult | null | undefined, fallback: string): string {
  if (result?.ref) return result.ref.id;
  if (result?.refDeprecated) return result.refDeprecated;
  const map = result?.refs?.refs ?? {};
  const ids = Object.values(map).map((r) => r.id);
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1)
    throw new Error(`solve returned ${ids.length} refs (${Object.keys(map).join(", ")}); expected one`);
  return fallback;
}

export class GatewayClient implements LLBBridge {
  private returned = false;

  constructor(
    private readonly transport: BridgeTransport,
    private readonly signal?: AbortSignal,
  ) {}

  private async call<Res>(method: string, request: Uint8Array): Promise<Res> {
    const response = await this.transport.unary(method, request, this.signal);
    return codec<Res>(`${PKG}.${method === "Ping" ? "PongResponse" : `${method}Response`}`).decode(response);
  }

  private encode(method: string, request: Record<string, unknown>): Buffer {
    return codec(`${PKG}.${method}Request`).encode(request);
  }

  async ping(): Promise<PingResult> {
    const pong = await this.call<{
      FrontendAPICaps: WireCap[];
      LLBCaps: WireCap[];
      Workers: { ID: string; platforms: WirePlatform[]; Labels: Record<string, string> }[];
    }>("Ping", this.encode("Ping", {}));
    return {
      frontendCaps: toCapabilities(pong.FrontendAPICaps),
      llbCaps: toCapabilities(pong.LLBCaps),
      workers: pong.Workers.map((w) => ({ id: w.ID, platforms: w.platforms.map(toPlatform), labels: w.Labels })),
    };
  }

  async resolveImageConfig(ref: string, options: ResolveImageConfigOptions = {}): Promise<ResolvedImageConfig> {
    const request: Record<string, unknown> = { Ref: ref, ResolveMode: options.resolveMode ?? "default" };
    if (options.platform) {
      request.Platform = {
        OS: options.platform.os,
        Architecture: options.platform.architecture,
        Variant: options.platform.variant ?? "",
      };
    }
    if (options.logName) request.LogName = options.logName;
    const res = await this.call<{ Digest: string; Config: Buffer; Ref: string }>(
      "ResolveImageConfig",
      this.encode("ResolveImageConfig", request),
    );
    const configBytes = new Uint8Array(res.Config);
    let config: unknown = null;
    if (configBytes.length > 0) config = JSON.parse(Buffer.from(configBytes).toString("utf8"));
    return { digest: res.Digest, ref: res.Ref || ref, config, configBytes };
  }

  async solve(request: BridgeSolveRequest): Promise<string> {
    let bytes: Uint8Array = this.encode("Solve", {
      Frontend: request.frontend ?? "",
      FrontendOpt: request.frontendOpt ?? {},
      allowResultReturn: true,
      allowResultArrayRef: true,
      Evaluate: request.evaluate ?? false,
      CacheImports: (request.cacheImports ?? []).map((c) => ({ Type: c.type, Attrs: c.attrs })),
    });
    // Definitions are spliced in as the caller's exact bytes (field 1, and map field 13).
    if (request.definition) bytes = withRawField(bytes, 1, definitionBytes(request.definition));
    if (request.frontendInputs) {
      const inputs = Object.fromEntries(
        Object.entries(request.frontendInputs).map(([k, d]) => [k, definitionBytes(d)]),
      );
      bytes = withRawMapField(bytes, 13, inputs);
    }
    const res = await this.call<{ ref: string; result: WireResult | null }>("Solve", bytes);
    return singleRef(res.result, res.ref);
  }

  async readFile(ref: string, path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
    const request: Record<string, unknown> = { Ref: ref, FilePath: path };
    if (options.offset !== undefined || options.length !== undefined) {
      request.Range = { Offset: options.offset ?? 0, Length: options.length ?? 0 };
    }
    const res = await this.call<{ Data: Buffer }>("ReadFile", this.encode("ReadFile", request));
    return new Uint8Array(res.Data);
  }

  async readDir(ref: string, path: string, includePattern?: string): Promise<FileStat[]> {
    const res = await this.call<{ entries: DecodedStat[] }>(
      "ReadDir",
      this.encode("ReadDir", { Ref: ref, DirPath: path, IncludePattern: includePattern ?? "" }),
    );
    return res.entries.map(toFileStat);
  }

  async statFile(ref: string, path: string): Promise<FileStat> {
    const res = await this.call<{ stat: DecodedStat | null }>(
      "StatFile",
      this.encode("StatFile", { Ref: ref, Path: path }),
    );
    if (!res.stat) throw new Error(`stat ${path}: the daemon returned no information`);
    return toFileStat(res.stat);
  }

  async evaluate(ref: string): Promise<void> {
    await this.call("Evaluate", this.encode("Evaluate", { Ref: ref }));
  }

  async warn(warning: Warning): Promise<void> {
    await this.call(
      "Warn",
      this.encode("Warn", {
        digest: warning.digest ?? "",
        level: warning.level ?? 1,
        short: Buffer.from(warning.short, "utf8"),
        detail: (warning.detail ?? []).map((d) => Buffer.from(d, "utf8")),
        url: warning.url ?? "",
      }),
    );
  }

  async return(result: BuildResult | Error): Promise<void> {
    if (this.returned) throw new Error("LLBBridge.return called twice");
    this.returned = true;
    let request: Record<string, unknown>;
    if (result instanceof Error) {
      request = { error: { code: STATUS_UNKNOWN, message: result.message, details: [] } };
    } else {
      const metadata: Record<string, Buffer> = {};
      for (const [key, value] of Object.entries(result.metadata ?? {})) {
        metadata[key] = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
      }
      const wireResult: Record<string, unknown> = { metadata };
      if (result.refs) {
        const refs = Object.fromEntries(Object.entries(result.refs).map(([k, id]) => [k, { id }]));
        wireResult.refs = { refs };
      } else {
        wireResult.ref = { id: result.ref ?? "" };
      }
      request = { result: wireResult };
    }
    await this.call("Return", this.encode("Return", request));
  }

  async inputs(): Promise<Record<string, Uint8Array>> {
    const res = await this.call<{ Definitions: Record<string, Record<string, unknown>> }>(
      "Inputs",
      this.encode("Inputs", {}),
    );
    const definition = codec("pb.Definition");
    return Object.fromEntries(Object.entries(res.Definitions).map(([name, d]) => [name, definition.encode(d)]));
  }
}
