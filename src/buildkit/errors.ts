/**
 * Turning gRPC failures from buildkitd into one-line errors a user can act on. The typed details (failing
 * vertex, source location) are decoded by src/proto/status.ts.
 */
import * as grpc from "@grpc/grpc-js";
import { UserError } from "../errors.js";
import { type DaemonErrorDetails, parseStatusDetails } from "../proto/status.js";

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
  const transport = transportError(error, { call: what });
  if (transport) return transport;
  if (isServiceError(error)) {
    const details = daemonErrorDetails(error);
    const codeName = grpc.status[details.code] ?? String(details.code);
    return new UserError(`${what} failed (${codeName}): ${details.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** RFC 9113 §7 error codes, by number, as HTTP/2 stacks print them. */
const HTTP2_ERROR_NAMES = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/**
 * Recognises HTTP/2 transport failures in an error message, as each side words them, and says what
 * happened and who did it. Undefined for anything else (build failures, daemon errors).
 *
 * - grpc-go in the daemon, about a call it made to rpk's session server (FileSync, FileSend, Auth, …):
 *   "stream terminated by RST_STREAM with error code: X", "… GOAWAY …", "header list size to send violates
 *   the maximum size (N bytes) set by server|client".
 * - grpc-js in rpk, about a call rpk made to the daemon: "Received RST_STREAM with code N …", "Stream refused
 *   by server", and, for ENHANCE_YOUR_CALM, only "Bandwidth exhausted or memory limit exceeded"
 *   (RESOURCE_EXHAUSTED), which reads like a resource problem of the build.
 */
export function describeTransportFailure(message: string, call?: string): string | undefined {
  const theCall = call ? `the ${call} call` : "a call";
  let match = /stream terminated by RST_STREAM with error code: ([A-Z_0-9]+)/.exec(message);
  if (match)
    return `rpk's session server reset a stream the BuildKit daemon opened to it (HTTP/2 RST_STREAM ${match[1]})`;
  match = /GOAWAY and closed the connection; LastStreamID=\d+, ErrCode=([A-Z_0-9]+)(?:, debug="([^"]*)")?/.exec(
    message,
  );
  if (match) {
    const debug = match[2] ? `: ${match[2]}` : "";
    return `rpk's session server closed the BuildKit daemon's connection to it (HTTP/2 GOAWAY ${match[1]}${debug})`;
  }
  match = /received prior goaway: code: ([A-Z_0-9]+)/.exec(message);
  if (match) return `rpk's session server closed the BuildKit daemon's connection to it (HTTP/2 GOAWAY ${match[1]})`;
  match = /header list size to send violates the maximum size \((\d+) bytes\) set by (server|client)/.exec(message);
  if (match) {
    return match[2] === "server"
      ? `the BuildKit daemon could not send a request to rpk's session server: its headers exceed the ${match[1]}-byte header list limit the session server advertised`
      : `the BuildKit daemon could not send its answer to ${theCall}: the headers exceed the ${match[1]}-byte header list limit rpk's connection advertised`;
  }
  if (/^Bandwidth exhausted or memory limit exceeded$/.test(message.trim())) {
    return `the BuildKit daemon reset ${theCall} (HTTP/2 RST_STREAM ENHANCE_YOUR_CALM)`;
  }
  match = /Received RST_STREAM with code (\d+)(?: \(([^)]*)\))?(?: triggered by internal client error: (.*))?/.exec(
    message,
  );
  if (match) {
    const name = HTTP2_ERROR_NAMES[Number(match[1])] ?? `code ${match[1]}`;
    const extra = match[3] ? `: ${match[3]}` : match[2] ? `: ${match[2]}` : "";
    return `the BuildKit daemon reset ${theCall} (HTTP/2 RST_STREAM ${name}${extra})`;
  }
  if (/^Stream refused by server$/.test(message.trim())) {
    return `the BuildKit daemon refused ${theCall} (HTTP/2 REFUSED_STREAM)`;
  }
  return undefined;
}

/** What rpk says after a transport failure: it is not the user's sources, so say where to look instead. */
const TRANSPORT_HINT =
  "a failure of the connection between rpk and the daemon, not of the build itself; rerun with --debug and report it with the daemon's log";

/**
 * A one-line UserError for an error whose message (or gRPC details) is an HTTP/2 transport failure; the
 * step it interrupted is named when known. Undefined when the error is something else.
 */
export function transportError(
  error: unknown,
  context: {
    call?: string;
    step?: string;
    /** What rpk's own session server reported about its connection (Session.serverError), if anything. */
    serverError?: string;
  } = {},
): UserError | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = isServiceError(error) ? error.details || error.message : error.message;
  const what = describeTransportFailure(message, context.call);
  const serverError = context.serverError?.replace(/\s+/g, " ");
  const during = context.step ? ` during build step "${context.step}"` : "";
  if (what) {
    const cause = serverError ? `; the session server's error: ${serverError}` : "";
    return new UserError(`transport failure${during}: ${what}${cause}`, { hint: TRANSPORT_HINT, cause: error });
  }
  // The session's connection broke on rpk's side: whatever the daemon says next ("the client connection is
  // closing", "context canceled") follows from that, so lead with it.
  if (serverError) {
    const reported = message.replace(/\s+/g, " ");
    return new UserError(
      `transport failure${during}: rpk's session server ended its connection with the BuildKit daemon (${serverError}); the daemon reported: ${reported}`,
      { hint: TRANSPORT_HINT, cause: error },
    );
  }
  return undefined;
}
