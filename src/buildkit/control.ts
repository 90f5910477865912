/**
 * The Control API of buildkitd (`moby.buildkit.v1.Control`), on an open connection. Messages are
 * encoded by the shared protobufjs codecs; results come back as plain TS values.
 */
import * as grpc from "@grpc/grpc-js";
import type { Platform } from "../llb/index.js";
import { codec, decodeBytesMessage, encodeBytesMessage, withRawField, withRawMapField } from "../proto/codec.js";
import type { TypedAttrs } from "../proto/shapes.js";
import type { BuildkitConnection } from "./connection.js";
import { describeCallError } from "./errors.js";
import type { SolveStatus } from "./progress/types.js";
import { decodeSolveStatus, toDate, type WireStatusResponse, type WireTimestamp } from "./status-decode.js";

const SERVICE = "/moby.buildkit.v1.Control";

export interface BuildkitVersion {
  package: string;
  version: string;
  revision: string;
}

export interface WorkerInfo {
  id: string;
  labels: Record<string, string>;
  platforms: Platform[];
  buildkitVersion?: BuildkitVersion;
}

export interface UsageRecord {
  id: string;
  mutable: boolean;
  inUse: boolean;
  size: number;
  createdAt?: Date;
  lastUsedAt?: Date;
  usageCount: number;
  description: string;
  recordType: string;
  shared: boolean;
  parents: string[];
}

export interface PruneOptions {
  filter?: string[];
  all?: boolean;
  /** Keep records used within this many milliseconds. */
  keepDurationMs?: number;
  reservedSpace?: number;
  maxUsedSpace?: number;
  minFreeSpace?: number;
}

/** The parts of `Control.SolveRequest` rpk sends. */
export interface ControlSolveRequest {
  ref: string;
  session: string;
  /** Marshaled `pb.Definition`; omit for frontend or client-side (LLBBridge) builds. */
  definition?: Uint8Array;
  frontend?: string;
  frontendAttrs?: Record<string, string>;
  frontendInputs?: Record<string, Uint8Array>;
  exporters?: TypedAttrs[];
  cacheImports?: TypedAttrs[];
  cacheExports?: TypedAttrs[];
  entitlements?: string[];
  internal?: boolean;
}

interface WireWorkerRecord {
  ID: string;
  Labels: Record<string, string>;
  platforms: { Architecture: string; OS: string; Variant: string }[];
  BuildkitVersion: BuildkitVersion | null;
}

interface WireUsageRecord {
  ID: string;
  Mutable: boolean;
  InUse: boolean;
  Size: string;
  CreatedAt: WireTimestamp | null;
  LastUsedAt: WireTimestamp | null;
  UsageCount: string;
  Description: string;
  RecordType: string;
  Shared: boolean;
  Parents: string[];
}

function toPlatform(p: WireWorkerRecord["platforms"][number]): Platform {
  return p.Variant
    ? { os: p.OS, architecture: p.Architecture, variant: p.Variant }
    : { os: p.OS, architecture: p.Architecture };
}

function toUsageRecord(r: WireUsageRecord): UsageRecord {
  const out: UsageRecord = {
    id: r.ID,
    mutable: r.Mutable,
    inUse: r.InUse,
    size: Number(r.Size),
    usageCount: Number(r.UsageCount),
    description: r.Description,
    recordType: r.RecordType,
    shared: r.Shared,
    parents: r.Parents,
  };
  const createdAt = toDate(r.CreatedAt);
  const lastUsedAt = toDate(r.LastUsedAt);
  if (createdAt) out.createdAt = createdAt;
  if (lastUsedAt) out.lastUsedAt = lastUsedAt;
  return out;
}

function mapEntries(entries: TypedAttrs[] | undefined) {
  return (entries ?? []).map((e) => ({ Type: e.type, Attrs: e.attrs }));
}

/** Encodes a SolveRequest, splicing the caller's Definition bytes in untouched. */
export function encodeSolveRequest(req: ControlSolveRequest): Buffer {
  const exporters = (req.exporters ?? []).map((e) => ({ Type: e.type, Attrs: e.attrs }));
  const first = exporters[0];
  let bytes = codec("moby.buildkit.v1.SolveRequest").encode({
    Ref: req.ref,
    Session: req.session,
    Frontend: req.frontend ?? "",
    FrontendAttrs: req.frontendAttrs ?? {},
    Exporters: exporters,
    // Daemons before v0.13 only read the single deprecated exporter; newer ones ignore it when Exporters is set.
    ExporterDeprecated: first?.Type ?? "",
    ExporterAttrsDeprecated: first?.Attrs ?? {},
    Cache: { Imports: mapEntries(req.cacheImports), Exports: mapEntries(req.cacheExports) },
    Entitlements: req.entitlements ?? [],
    Internal: req.internal ?? false,
  });
  if (req.definition) bytes = withRawField(bytes, 2, req.definition);
  if (req.frontendInputs) bytes = withRawMapField(bytes, 10, req.frontendInputs);
  return bytes;
}

const identity = (b: Buffer) => b;

/** Thin, typed wrapper over the Control service. Every method rejects with a one-line error. */
export class ControlClient {
  constructor(readonly connection: BuildkitConnection) {}

  private get client(): grpc.Client {
    return this.connection.client;
  }

  private unary<Res>(method: string, typeIn: string, typeOut: string, request: object, signal?: AbortSignal) {
    return new Promise<Res>((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        `${SERVICE}/${method}`,
        (value: object) => codec(typeIn).encode(value as Record<string, unknown>),
        (bytes: Buffer) => codec<Res>(typeOut).decode(bytes),
        request,
        new grpc.Metadata(),
        {},
        (error, response) => {
          signal?.removeEventListener("abort", onAbort);
          if (error) reject(describeCallError(`Control.${method}`, error));
          else resolve(response as Res);
        },
      );
      const onAbort = () => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async info(): Promise<BuildkitVersion> {
    const res = await this.unary<{ buildkitVersion: BuildkitVersion | null }>(
      "Info",
      "moby.buildkit.v1.InfoRequest",
      "moby.buildkit.v1.InfoResponse",
      {},
    );
    return res.buildkitVersion ?? { package: "", version: "", revision: "" };
  }

  async listWorkers(filter: string[] = []): Promise<WorkerInfo[]> {
    const res = await this.unary<{ record: WireWorkerRecord[] }>(
      "ListWorkers",
      "moby.buildkit.v1.ListWorkersRequest",
      "moby.buildkit.v1.ListWorkersResponse",
      { filter },
    );
    return res.record.map((w) => {
      const out: WorkerInfo = { id: w.ID, labels: w.Labels, platforms: w.platforms.map(toPlatform) };
      if (w.BuildkitVersion) out.buildkitVersion = w.BuildkitVersion;
      return out;
    });
  }

  async diskUsage(options: { filter?: string[]; ageLimitMs?: number } = {}): Promise<UsageRecord[]> {
    const res = await this.unary<{ record: WireUsageRecord[] }>(
      "DiskUsage",
      "moby.buildkit.v1.DiskUsageRequest",
      "moby.buildkit.v1.DiskUsageResponse",
      { filter: options.filter ?? [], ageLimit: String(BigInt(options.ageLimitMs ?? 0) * 1_000_000n) },
    );
    return res.record.map(toUsageRecord);
  }

  /** Deletes cache records; resolves with what the daemon removed. */
  prune(options: PruneOptions = {}): Promise<UsageRecord[]> {
    const call = this.client.makeServerStreamRequest(
      `${SERVICE}/Prune`,
      (value: object) => codec("moby.buildkit.v1.PruneRequest").encode(value as Record<string, unknown>),
      (bytes: Buffer) => codec<WireUsageRecord>("moby.buildkit.v1.UsageRecord").decode(bytes),
      {
        filter: options.filter ?? [],
        all: options.all ?? false,
        keepDuration: String(BigInt(options.keepDurationMs ?? 0) * 1_000_000n),
        reservedSpace: options.reservedSpace ?? 0,
        maxUsedSpace: options.maxUsedSpace ?? 0,
        minFreeSpace: options.minFreeSpace ?? 0,
      },
      new grpc.Metadata(),
    );
    const removed: UsageRecord[] = [];
    return new Promise((resolve, reject) => {
      call.on("data", (r: WireUsageRecord) => removed.push(toUsageRecord(r)));
      call.on("error", (error) => reject(describeCallError("Control.Prune", error)));
      call.on("end", () => resolve(removed));
    });
  }

  /**
   * Runs `Control.Solve`. Resolves with the exporter response when the build and all exports finished.
   * Aborting the signal cancels the RPC, which makes the daemon cancel the build. Rejects with the raw
   * grpc ServiceError so the caller can name the failing step.
   */
  solve(request: ControlSolveRequest, signal?: AbortSignal): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        `${SERVICE}/Solve`,
        identity,
        (bytes: Buffer) =>
          codec<{ ExporterResponse: Record<string, string> }>("moby.buildkit.v1.SolveResponse").decode(bytes),
        encodeSolveRequest(request),
        new grpc.Metadata(),
        {},
        (error, response) => {
          signal?.removeEventListener("abort", onAbort);
          if (error) reject(error);
          else resolve(response?.ExporterResponse ?? {});
        },
      );
      const onAbort = () => call.cancel();
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Streams progress for build `ref` until the build's progress closes. The daemon waits a few seconds
   * for the ref to appear, so this may be called together with `solve`.
   */
  status(ref: string, onStatus: (status: SolveStatus) => void, signal?: AbortSignal): Promise<void> {
    const call = this.client.makeServerStreamRequest(
      `${SERVICE}/Status`,
      (value: object) => codec("moby.buildkit.v1.StatusRequest").encode(value as Record<string, unknown>),
      (bytes: Buffer) => codec<WireStatusResponse>("moby.buildkit.v1.StatusResponse").decode(bytes),
      { Ref: ref },
      new grpc.Metadata(),
    );
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    return new Promise((resolve, reject) => {
      call.on("data", (message: WireStatusResponse) => onStatus(decodeSolveStatus(message)));
      call.on("error", (error: grpc.ServiceError) => {
        signal?.removeEventListener("abort", onAbort);
        if (error.code === grpc.status.CANCELLED) resolve();
        else reject(describeCallError("Control.Status", error));
      });
      call.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** Opens the raw `Control.Session` byte pipe; see session/session.ts. */
  openSessionStream(metadata: grpc.Metadata): grpc.ClientDuplexStream<Buffer, Buffer> {
    return this.client.makeBidiStreamRequest(`${SERVICE}/Session`, encodeBytesMessage, decodeBytesMessage, metadata);
  }
}
