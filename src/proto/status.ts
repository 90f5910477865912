/**
 * Reading the typed error details buildkitd puts in the `grpc-status-details-bin` trailer (a
 * google.rpc.Status whose `details` carry errdefs.Vertex / errdefs.Solve / errdefs.Source). Shared by the
 * Control client and every LLBBridge transport, so it takes plain values, not a grpc-js error.
 */
import { codec } from "./codec.js";

export interface DaemonErrorDetails {
  /** gRPC status code. */
  code: number;
  /** The daemon's message, flattened to one line. */
  message: string;
  /** Digest of the failing vertex (errdefs.Vertex), if the daemon said. */
  vertexDigest?: string;
  /** `llb.customname` of the failing op (errdefs.Solve description), if present. */
  vertexName?: string;
  /** `file:line` of a frontend source location (errdefs.Source). */
  sourceLocation?: string;
}

interface AnyMessage {
  type_url: string;
  value: Buffer;
}

interface RpcStatus {
  code: number;
  message: string;
  details: AnyMessage[];
}

function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}

/** Decodes what it understands and ignores the rest; never throws. */
export function parseStatusDetails(code: number, message: string, detailsBin?: Uint8Array): DaemonErrorDetails {
  const out: DaemonErrorDetails = { code, message: oneLine(message) };
  if (!detailsBin || detailsBin.length === 0) return out;
  let status: RpcStatus;
  try {
    status = codec<RpcStatus>("google.rpc.Status").decode(detailsBin);
  } catch {
    return out;
  }
  if (status.message) out.message = oneLine(status.message);
  for (const detail of status.details) {
    // Type URLs end in the message name ("type.googleapis.com/errdefs.Vertex" or a github.com/... path).
    const typeName = detail.type_url.slice(detail.type_url.lastIndexOf("/") + 1);
    try {
      if (typeName === "errdefs.Vertex") {
        out.vertexDigest ??= codec<{ digest: string }>("errdefs.Vertex").decode(detail.value).digest || undefined;
      } else if (typeName === "errdefs.Solve") {
        const solve = codec<{ description: Record<string, string> }>("errdefs.Solve").decode(detail.value);
        out.vertexName ??= solve.description["llb.customname"] || undefined;
      } else if (typeName === "errdefs.Source") {
        const source = codec<{ info: { filename: string } | null; ranges: { start: { line: number } | null }[] }>(
          "errdefs.Source",
        ).decode(detail.value);
        const line = source.ranges[0]?.start?.line;
        if (source.info?.filename)
          out.sourceLocation ??= line ? `${source.info.filename}:${line}` : source.info.filename;
      }
    } catch {
      // An undecodable detail adds nothing; the message still stands.
    }
  }
  for (const key of ["vertexDigest", "vertexName", "sourceLocation"] as const) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}
