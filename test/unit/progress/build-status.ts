/** Small constructors for hand-written status sequences (times are ms offsets from a fixed base). */
import type { SolveStatus, Vertex, VertexLog, VertexStatus } from "../../../src/buildkit/progress/types.js";

export const base = Date.UTC(2026, 0, 2, 3, 4, 5);
export const at = (ms: number) => new Date(base + ms);

export function status(parts: Partial<SolveStatus>): SolveStatus {
  return { vertexes: [], statuses: [], logs: [], warnings: [], ...parts };
}

export function vertex(digest: string, name: string, fields: Partial<Vertex> = {}): Vertex {
  return { digest, name, inputs: [], cached: false, ...fields };
}

export function row(vertexDigest: string, id: string, fields: Partial<VertexStatus> = {}): VertexStatus {
  return { id, vertex: vertexDigest, name: id, current: 0, total: 0, ...fields };
}

export function log(vertexDigest: string, text: string | Uint8Array, ms: number, stream = 1): VertexLog {
  const data = typeof text === "string" ? new TextEncoder().encode(text) : text;
  return { vertex: vertexDigest, stream, data, timestamp: at(ms) };
}
