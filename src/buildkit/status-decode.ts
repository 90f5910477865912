/**
 * Decoding `Control.Status` wire messages into the plain progress types the renderers consume
 * (src/buildkit/progress/types.ts).
 */
import type { SolveStatus, SourceRange, Vertex, VertexLog, VertexStatus, VertexWarning } from "./progress/types.js";

/** google.protobuf.Timestamp as decoded with `longs: String`. */
export interface WireTimestamp {
  seconds: string;
  nanos: number;
}

interface WireVertex {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started: WireTimestamp | null;
  completed: WireTimestamp | null;
  error: string;
  progressGroup: { id: string; name: string; weak: boolean } | null;
}

interface WireVertexStatus {
  ID: string;
  vertex: string;
  name: string;
  current: string;
  total: string;
  timestamp: WireTimestamp | null;
  started: WireTimestamp | null;
  completed: WireTimestamp | null;
}

interface WireVertexLog {
  vertex: string;
  timestamp: WireTimestamp | null;
  stream: string;
  msg: Buffer;
}

interface WireRange {
  start: { line: number; character: number } | null;
  end: { line: number; character: number } | null;
}

interface WireVertexWarning {
  vertex: string;
  level: string;
  short: Buffer;
  detail: Buffer[];
  url: string;
  info: { filename: string; data: Buffer; language: string } | null;
  ranges: WireRange[];
}

export interface WireStatusResponse {
  vertexes: WireVertex[];
  statuses: WireVertexStatus[];
  logs: WireVertexLog[];
  warnings: WireVertexWarning[];
}

export function toDate(ts: WireTimestamp | null | undefined): Date | undefined {
  if (!ts) return undefined;
  const ms = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
  // Go's zero time (0001-01-01) arrives as a large negative value: treat it as "not set".
  return ms > 0 ? new Date(ms) : undefined;
}

function withDefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function decodeVertex(v: WireVertex): Vertex {
  return withDefined<Vertex>({
    digest: v.digest,
    inputs: v.inputs,
    name: v.name,
    cached: v.cached,
    started: toDate(v.started),
    completed: toDate(v.completed),
    error: v.error || undefined,
    progressGroup: v.progressGroup?.id ? { ...v.progressGroup } : undefined,
  });
}

function decodeVertexStatus(s: WireVertexStatus): VertexStatus {
  return withDefined<VertexStatus>({
    id: s.ID,
    vertex: s.vertex,
    name: s.name,
    current: Number(s.current),
    total: Number(s.total),
    timestamp: toDate(s.timestamp),
    started: toDate(s.started),
    completed: toDate(s.completed),
  });
}

function decodeLog(l: WireVertexLog): VertexLog {
  return withDefined<VertexLog>({
    vertex: l.vertex,
    stream: Number(l.stream),
    data: new Uint8Array(l.msg),
    timestamp: toDate(l.timestamp),
  });
}

function decodeRange(r: WireRange): SourceRange {
  return {
    start: { line: r.start?.line ?? 0, character: r.start?.character ?? 0 },
    end: { line: r.end?.line ?? 0, character: r.end?.character ?? 0 },
  };
}

function decodeWarning(w: WireVertexWarning): VertexWarning {
  return withDefined<VertexWarning>({
    vertex: w.vertex,
    level: Number(w.level),
    short: w.short.toString("utf8"),
    detail: w.detail.map((d) => d.toString("utf8")),
    url: w.url || undefined,
    sourceInfo: w.info
      ? withDefined({
          filename: w.info.filename,
          language: w.info.language || undefined,
          data: w.info.data.length > 0 ? new Uint8Array(w.info.data) : undefined,
        })
      : undefined,
    ranges: w.ranges.map(decodeRange),
  });
}

export function decodeSolveStatus(message: WireStatusResponse): SolveStatus {
  return {
    vertexes: message.vertexes.map(decodeVertex),
    statuses: message.statuses.map(decodeVertexStatus),
    logs: message.logs.map(decodeLog),
    warnings: message.warnings.map(decodeWarning),
  };
}
