/**
 * One build against buildkitd: open the session, send Control.Solve (kept pending), stream progress,
 * optionally run a client-side build function through LLBBridge on the same connection, then move the
 * exported outputs into place. Cancelling the signal cancels the Solve RPC; the daemon then cancels the build.
 */
import * as grpc from "@grpc/grpc-js";
import { UserError } from "../errors.js";
import { definitionBytes, GatewayClient } from "../gateway/bridge-client.js";
import type { BuildResult, DefinitionInput, LLBBridge } from "../gateway/types.js";
import type { TypedAttrs } from "../proto/shapes.js";
import { grpcBridgeTransport } from "./bridge-transport.js";
import type { BuildkitConnection } from "./connection.js";
import { ControlClient } from "./control.js";
import { BuildError, daemonErrorDetails, describeCallError, isServiceError, transportError } from "./errors.js";
import { FailureTracker } from "./failure-tracker.js";
import { commitOutput, discardOutput, type StagedOutput, stageOutput, writeFailure } from "./outputs.js";
import type { SolveStatus } from "./progress/types.js";
import { newIdentifier, type Session } from "./session/session.js";

export interface ExporterSpec {
  /** `local`, `tar`, `oci`, `docker` or `image`. */
  type: string;
  attrs?: Record<string, string>;
  /** Destination directory (`local`) or file (`tar`, `oci`, `docker`); stays on the client. */
  output?: string;
}

export interface SolveOptions {
  client: BuildkitConnection;
  session: Session;
  /** Build ID; also the Status stream key and the LLBBridge build-id header. Random if omitted. */
  ref?: string;
  /** LLB to run. Leave out for frontend builds and client-side (`build`) builds. */
  definition?: DefinitionInput;
  exporters?: ExporterSpec[];
  /** e.g. `dockerfile.v0`, or `gateway.v0` with `frontendAttrs.source`. */
  frontend?: string;
  frontendAttrs?: Record<string, string>;
  frontendInputs?: Record<string, DefinitionInput>;
  cacheImports?: TypedAttrs[];
  cacheExports?: TypedAttrs[];
  entitlements?: string[];
  /** A client-side build function; it must not call `bridge.return` itself (solve does). */
  build?: (bridge: LLBBridge) => Promise<BuildResult>;
  signal?: AbortSignal;
  onStatus?: (status: SolveStatus) => void;
}

export interface SolveResult {
  ref: string;
  /** What the exporters reported (`containerimage.digest`, `containerimage.descriptor`, …). */
  exporterResponse: Record<string, string>;
}

/** After the build function failed, give the daemon this long to finish on its own before cancelling. */
const CANCEL_AFTER_BUILD_FAILURE_MS = 5000;
/** After the Solve failed, how long a build function still running gets to end on its own. */
const BUILD_FUNCTION_GRACE_MS = 2000;

/** Stages each exporter's client-side output and tells the session where to write it (pushed as they stage). */
async function stageExporters(exporters: ExporterSpec[], session: Session, staged: (StagedOutput | undefined)[]) {
  for (const [index, exporter] of exporters.entries()) {
    const output = exporter.output
      ? await stageOutput(exporter.type, exporter.attrs ?? {}, exporter.output)
      : undefined;
    staged.push(output);
    if (output) session.setExportTarget(index, output.target);
  }
}

/** The Control.Solve request for these options. */
function solveRequest(options: SolveOptions, ref: string, sessionId: string) {
  return {
    ref,
    session: sessionId,
    definition: options.definition ? definitionBytes(options.definition) : undefined,
    frontend: options.frontend,
    frontendAttrs: options.frontendAttrs,
    frontendInputs: options.frontendInputs
      ? Object.fromEntries(Object.entries(options.frontendInputs).map(([k, d]) => [k, definitionBytes(d)]))
      : undefined,
    exporters: (options.exporters ?? []).map((e) => ({ type: e.type, attrs: e.attrs ?? {} })),
    cacheImports: options.cacheImports,
    cacheExports: options.cacheExports,
    entitlements: options.entitlements,
  };
}

/** A Solve under way: what waiting for its outcome needs. */
interface RunningSolve {
  solving: Promise<Record<string, string>>;
  solveCancel: AbortController;
  statusDone: Promise<void>;
  failures: FailureTracker;
  session: Session;
  signal: AbortSignal | undefined;
}

/**
 * Runs the client-side build function over the LLBBridge of this Solve; when it fails, the daemon gets a
 * moment to finish on its own before the Solve is cancelled. Resolves with that failure, if any.
 */
async function runClientBuild(options: SolveOptions, ref: string, running: RunningSolve): Promise<unknown> {
  if (!options.build) return undefined;
  const bridge = new GatewayClient(grpcBridgeTransport(options.client.client, ref), running.solveCancel.signal);
  const buildFailure = await buildOutcome(runBuildFunction(options.build, bridge), running.solving);
  if (buildFailure !== undefined) {
    const timer = setTimeout(() => running.solveCancel.abort(), CANCEL_AFTER_BUILD_FAILURE_MS);
    await running.solving.catch(() => undefined);
    clearTimeout(timer);
  }
  return buildFailure;
}

/**
 * The build function's failure (undefined when it succeeded). When the Solve fails first (the daemon or the
 * connection is gone) and the function does not end within a grace period, because it waits on something
 * other than the bridge (a long-lived gateway session waits for its owner to close it), the outcome is
 * undefined: the Solve's own failure is then reported instead of waiting forever.
 */
async function buildOutcome(built: Promise<unknown>, solving: Promise<unknown>): Promise<unknown> {
  const ended = built.then((failure) => ({ failure }));
  const solveFailed = solving.then(
    () => new Promise<never>(() => undefined),
    () => "solve failed" as const,
  );
  const first = await Promise.race([ended, solveFailed]);
  if (first !== "solve failed") return first.failure;
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), BUILD_FUNCTION_GRACE_MS);
  });
  const late = await Promise.race([ended, grace]);
  clearTimeout(timer);
  return late === "late" ? undefined : late.failure;
}

/** The exporters' response, or the failure in one line naming the step (the build function's comes first). */
async function solveOutcome(running: RunningSolve, buildFailure: unknown): Promise<Record<string, string>> {
  const { signal, session, failures } = running;
  let exporterResponse: Record<string, string>;
  try {
    exporterResponse = await running.solving;
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    if (buildFailure !== undefined) throw asTransportError(buildFailure, failures.names, session.serverError);
    await settleWithin(running.statusDone, 2000);
    throw toBuildError(error, {
      names: failures.names,
      lastFailed: failures.blame(error),
      serverError: session.serverError,
    });
  }
  if (buildFailure !== undefined) throw asTransportError(buildFailure, failures.names, session.serverError);
  return exporterResponse;
}

export async function solve(options: SolveOptions): Promise<SolveResult> {
  const { client, session, signal } = options;
  const ref = options.ref ?? newIdentifier();
  const control = new ControlClient(client);
  if (signal?.aborted) throw abortError(signal);
  if (options.definition && options.build) throw new Error("solve: pass either a definition or a build function");

  const staged: (StagedOutput | undefined)[] = [];
  const ownsSession = !session.started;
  const solveCancel = new AbortController();
  const statusCancel = new AbortController();
  const onAbort = () => solveCancel.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const failures = new FailureTracker();
  const trackStatus = (status: SolveStatus) => {
    failures.track(status);
    options.onStatus?.(status);
  };

  try {
    await stageExporters(options.exporters ?? [], session, staged);
    if (ownsSession) await session.start(control);
    const statusDone = control.status(ref, trackStatus, statusCancel.signal).catch(() => undefined);
    const solving = control.solve(solveRequest(options, ref, session.id), solveCancel.signal);
    // The Solve may fail (the daemon dies) while the build function still runs; its outcome is read later, so
    // mark the rejection handled now or node ends the process on an unhandled rejection.
    solving.catch(() => undefined);
    const running: RunningSolve = { solving, solveCancel, statusDone, failures, session, signal };
    const buildFailure = await runClientBuild(options, ref, running);
    const exporterResponse = await solveOutcome(running, buildFailure);
    for (const output of staged) if (output) await commitOutput(output);
    await settleWithin(statusDone, 2000);
    return { ref, exporterResponse };
  } catch (error) {
    for (const output of staged) if (output) await discardOutput(output).catch(() => undefined);
    if (signal?.aborted) throw abortError(signal);
    throw writeFailure(staged) ?? error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    statusCancel.abort();
    if (ownsSession) await session.close();
  }
}

/** Runs the build function and returns its result to the daemon; resolves with its failure, if any. */
async function runBuildFunction(build: (bridge: LLBBridge) => Promise<BuildResult>, bridge: GatewayClient) {
  let result: BuildResult;
  try {
    result = await build(bridge);
  } catch (error) {
    await bridge.return(error instanceof Error ? error : new Error(String(error))).catch(() => undefined);
    return error;
  }
  try {
    await bridge.return(result);
  } catch (error) {
    return error;
  }
  return undefined;
}

function toBuildError(
  error: unknown,
  context: { names: Map<string, string>; lastFailed: string | undefined; serverError: string | undefined },
): Error {
  if (!isServiceError(error)) return describeCallError("Control.Solve", error);
  const details = daemonErrorDetails(error);
  const digest = details.vertexDigest ?? context.lastFailed;
  const stepName = digest ? context.names.get(digest) : undefined;
  const transport = transportError(error, {
    call: "Control.Solve",
    ...(stepName ? { step: stepName } : {}),
    ...(context.serverError ? { serverError: context.serverError } : {}),
  });
  if (transport) return transport;
  if (error.code === grpc.status.UNAVAILABLE) {
    return new UserError(`lost the connection to the BuildKit daemon: ${error.details}`, { cause: error });
  }
  return new BuildError(details, { stepName, cause: error });
}

/**
 * The build function's failure, or a UserError when it was an HTTP/2 transport failure (of an LLBBridge
 * call, or of the session while a step the daemon ran for it loaded the context).
 */
function asTransportError(failure: unknown, names: Map<string, string>, serverError: string | undefined): unknown {
  const call = failure as { method?: unknown; vertexDigest?: unknown };
  const step = typeof call.vertexDigest === "string" ? names.get(call.vertexDigest) : undefined;
  return (
    transportError(failure, {
      ...(typeof call.method === "string" ? { call: `LLBBridge.${call.method}` } : {}),
      ...(step ? { step } : {}),
      ...(serverError ? { serverError } : {}),
    }) ?? failure
  );
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("the build was cancelled", "AbortError");
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
