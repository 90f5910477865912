/**
 * Turning gRPC failures from buildkitd into one-line errors a user can act on. The daemon attaches typed
 * details (errdefs.Vertex, errdefs.Solve, errdefs.Source) in the `grpc-status-details-bin` trailer; the
 * vertex digest lets the solve layer name the failing step.
 */
import * as grpc from "@grpc/grpc-js";
import { UserError } from "../errors.js";
import { codec } from "../gateway/proto.js";

export interface DaemonErrorDetails {
  code: grpc.status;
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

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === "number" && "metadata" in error
  );
}

export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}

/** Reads the daemon's typed error details; tolerant of anything it does not understand. */
export function daemonErrorDetails(error: grpc.ServiceError): DaemonErrorDetails {
  const out: DaemonErrorDetails = { code: error.code, message: oneLine(error.details || error.message) };
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  if (!(raw instanceof Buffer)) return out;
  let status: RpcStatus;
  try {
    status = codec<RpcStatus>("google.rpc.Status").decode(raw);
  } catch {
    return out;
  }
  if (status.message) out.message = oneLine(status.message);
  for (const detail of status.details) {
    // Type URLs look like "type.googleapis.com/errdefs.Vertex" (or a github.com/... path); match the name.
    const typeName = detail.type_url.slice(detail.type_url.lastIndexOf("/") + 1);
    try {
      if (typeName === "errdefs.Vertex") {
        out.vertexDigest ??= codec<{ digest: string }>("errdefs.Vertex").decode(detail.value).digest || undefined;
      } else if (typeName === "errdefs.Solve") {
        const solve = codec<{ description: Record<string, string> }>("errdefs.Solve").decode(detail.value);
        out.vertexName ??= solve.description["llb.customname"] || undefined;
      } else if (typeName === "errdefs.Source") {
        const source = codec<{
          info: { filename: string } | null;
          ranges: { start: { line: number } | null }[];
        }>("errdefs.Source").decode(detail.value);
        const line = source.ranges[0]?.start?.line;
        if (source.info?.filename)
          out.sourceLocation ??= line ? `${source.info.filename}:${line}` : source.info.filename;
      }
    } catch {
      // A detail we cannot decode adds nothing; the message still stands.
    }
  }
  return out;
}

/** A failed build: one line, naming the step when known. */
export class BuildError extends UserError {
  readonly details: DaemonErrorDetails;
  constructor(details: DaemonErrorDetails, options: { stepName?: string; cause?: unknown } = {}) {
    const step = options.stepName ?? details.vertexName;
    const problem = step ? `build step "${step}" failed: ${details.message}` : `build failed: ${details.message}`;
    super(problem, { where: details.sourceLocation, cause: options.cause });
    this.name = "BuildError";
    this.details = details;
  }
}

/** Wraps any error from a Control call into a UserError with the call named. */
export function describeCallError(what: string, error: unknown): Error {
  if (error instanceof UserError) return error;
  if (isServiceError(error)) {
    const details = daemonErrorDetails(error);
    const codeName = grpc.status[details.code] ?? String(details.code);
    return new UserError(`${what} failed (${codeName}): ${details.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
