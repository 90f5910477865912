/**
 * Turning gRPC failures from buildkitd into one-line errors a user can act on. The typed details (failing
 * vertex, source location) are decoded by src/gateway/status-details.ts.
 */
import * as grpc from "@grpc/grpc-js";
import { UserError } from "../errors.js";
import { type DaemonErrorDetails, parseStatusDetails } from "../gateway/status-details.js";

export type { DaemonErrorDetails };

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === "number" && "metadata" in error
  );
}

export function daemonErrorDetails(error: grpc.ServiceError): DaemonErrorDetails {
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  return parseStatusDetails(error.code, error.details || error.message, raw instanceof Buffer ? raw : undefined);
}

/** A failed build: one line, naming the step when known. */
export class BuildError extends UserError {
  readonly details: DaemonErrorDetails;
  /** The failing step's name when known, e.g. `docker-image://docker.io/library/golang:1.26.8-bookworm`. */
  readonly stepName?: string;
  constructor(details: DaemonErrorDetails, options: { stepName?: string; cause?: unknown } = {}) {
    const step = options.stepName ?? details.vertexName;
    const problem = step ? `build step "${step}" failed: ${details.message}` : `build failed: ${details.message}`;
    super(problem, { where: details.sourceLocation, cause: options.cause });
    this.name = "BuildError";
    this.details = details;
    if (step) this.stepName = step;
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
