/**
 * One execution environment: a running bootstrap and its side of the Runtime API. It holds at most one
 * invocation at a time; the pool (pool.ts) decides which invocation it gets.
 */
import { randomBytes } from "node:crypto";
import { functionArn, instanceEnvironment } from "./environment.js";
import type { InstanceHandle, InstanceLauncher } from "./launcher.js";
import {
  type ErrorPayload,
  exitError,
  initTimeoutError,
  reportLines,
  runtimeReportedError,
  timeoutError,
} from "./payloads.js";
import type { FunctionSettings, InvokeOutcome, InvokeRequest, RuntimeRequest, RuntimeResponse } from "./types.js";

/** Lambda gives a runtime 10 s to initialize before it gives up on the environment. */
export const INIT_TIMEOUT_SECONDS = 10;

const API_PREFIX = "/2018-06-01/runtime";

/** An invocation waiting for (or running in) an instance. */
export interface Assignment {
  requestId: string;
  request: InvokeRequest;
  settle: (outcome: InvokeOutcome) => void;
}

interface Running extends Assignment {
  startedAt: number;
  timer: NodeJS.Timeout;
  log: string[];
}

export interface InstanceEvents {
  /** The instance asked for work and holds none. */
  onIdle(instance: Instance): void;
  /** The bootstrap is gone; the instance takes no more work. */
  onGone(instance: Instance): void;
  /** Output of the bootstrap (the function's log), whoever it belongs to. */
  onOutput?(chunk: Buffer, instance: Instance): void;
  /** An event was handed to the bootstrap. */
  onDelivered?(instance: Instance, requestId: string): void;
  /** The instance is done with that event (answered, failed, timed out or crashed). */
  onSettled?(instance: Instance, requestId: string): void;
}

/** `between`: answered an invocation, not yet asking for the next one (it will in a moment). */
type State = "starting" | "idle" | "busy" | "between" | "gone";

export class Instance {
  readonly id = randomBytes(16).toString("hex");
  private state: State = "starting";
  private handle?: InstanceHandle;
  /** Assigned but not yet delivered (the bootstrap has not asked for it yet). */
  private waiting?: Assignment;
  private running?: Running;
  /** The answer to a pending GET /next. */
  private pendingNext?: (response: RuntimeResponse) => void;
  private initTimer?: NodeJS.Timeout;
  /** Where output goes: the invocation delivered last (its trailing output arrives after its response). */
  private logTarget?: string[];

  constructor(
    private readonly settings: FunctionSettings,
    private readonly events: InstanceEvents,
  ) {}

  get idle(): boolean {
    return this.state === "idle";
  }

  /** Just answered and about to ask for more: worth waiting for instead of starting another instance. */
  get between(): boolean {
    return this.state === "between";
  }

  get gone(): boolean {
    return this.state === "gone";
  }

  /** Starts the bootstrap holding `first`, which it gets when it first asks for an event. */
  async start(launcher: InstanceLauncher, first: Assignment): Promise<void> {
    this.waiting = first;
    this.initTimer = setTimeout(() => this.initTimedOut(), INIT_TIMEOUT_SECONDS * 1000);
    try {
      const env = instanceEnvironment({ settings: this.settings, instanceId: this.id, taskRoot: launcher.taskRoot });
      this.handle = await launcher.start({ env, runtimeApi: (request) => this.serve(request) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failWaiting({ errorMessage: `could not start the function: ${message}`, errorType: "Runtime.Unknown" });
      this.becomeGone();
      return;
    }
    if (this.state === "gone") {
      await this.handle.kill();
      return;
    }
    this.handle.output.on("data", (chunk: Buffer) => {
      this.logTarget?.push(chunk.toString("utf8"));
      this.events.onOutput?.(chunk, this);
    });
    void this.handle.exited.then((exit) => {
      const current = this.running ?? this.waiting;
      if (current) this.finishWithError(current, exitError(current.requestId, exit.code, exit.description));
      this.becomeGone();
    });
  }

  /** Hands an idle instance its next invocation. */
  assign(assignment: Assignment): void {
    if (this.state !== "idle" || !this.pendingNext) throw new Error("instance is not idle");
    const answer = this.pendingNext;
    this.pendingNext = undefined;
    answer(this.deliver(assignment));
  }

  /**
   * Stops the bootstrap. With `answer`, the invocation it holds gets that answer first (the pool shutting
   * down says so), instead of the exit error its killed bootstrap would give.
   */
  async kill(answer?: (requestId: string) => ErrorPayload): Promise<void> {
    const current = this.running ?? this.waiting;
    if (answer && current) this.finishWithError(current, answer(current.requestId));
    this.becomeGone();
    await this.handle?.kill();
  }

  /** The Runtime API, as the bootstrap calls it. */
  serve(request: RuntimeRequest): Promise<RuntimeResponse> {
    const path = request.path.split("?")[0] ?? "";
    if (!path.startsWith(`${API_PREFIX}/`)) return Promise.resolve(notFound(request));
    const rest = path.slice(API_PREFIX.length + 1);
    if (request.method === "GET" && rest === "invocation/next") return this.next();
    if (request.method === "POST" && rest === "init/error") return Promise.resolve(this.initError(request));
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (request.method === "POST" && match) {
      return Promise.resolve(this.result(decodeURIComponent(match[1]!), match[2] as "response" | "error", request));
    }
    return Promise.resolve(notFound(request));
  }

  private next(): Promise<RuntimeResponse> {
    clearTimeout(this.initTimer);
    if (this.running) {
      // The runtime asked for more work without answering: that invocation will never complete.
      const running = this.running;
      this.finishWithError(running, {
        errorMessage: `RequestId: ${running.requestId} Error: the runtime asked for the next event without answering this one`,
        errorType: "Runtime.Unknown",
      });
    }
    if (this.waiting) {
      const assignment = this.waiting;
      this.waiting = undefined;
      return Promise.resolve(this.deliver(assignment));
    }
    if (this.state === "gone") return new Promise(() => undefined);
    return new Promise((resolve) => {
      this.pendingNext = resolve;
      this.state = "idle";
      this.events.onIdle(this);
    });
  }

  private deliver(assignment: Assignment): RuntimeResponse {
    const { request, requestId } = assignment;
    const timeoutMs = this.settings.timeoutSeconds * 1000;
    const log = [`START RequestId: ${requestId} Version: $LATEST\n`];
    this.logTarget = log;
    const running: Running = {
      ...assignment,
      startedAt: performance.now(),
      log,
      timer: setTimeout(() => this.timedOut(running), timeoutMs),
    };
    this.running = running;
    this.state = "busy";
    this.events.onDelivered?.(this, requestId);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": requestId,
      "lambda-runtime-deadline-ms": String(Date.now() + timeoutMs),
      "lambda-runtime-invoked-function-arn": functionArn(this.settings),
      "lambda-runtime-trace-id": request.traceId ?? newTraceId(),
    };
    if (request.clientContext) headers["lambda-runtime-client-context"] = request.clientContext;
    if (request.cognitoIdentity) headers["lambda-runtime-cognito-identity"] = request.cognitoIdentity;
    return { status: 200, headers, body: request.payload };
  }

  private result(requestId: string, kind: "response" | "error", request: RuntimeRequest): RuntimeResponse {
    const running = this.running;
    if (!running || running.requestId !== requestId) {
      return json(400, { errorMessage: `Invalid request ID: ${requestId}`, errorType: "InvalidRequestID" });
    }
    if (kind === "response") {
      this.finish(running, request.body);
    } else {
      const reported = runtimeReportedError(request.body, header(request, "lambda-runtime-function-error-type"));
      this.finish(running, reported.payload, reported.errorType);
    }
    return json(202, { status: "OK" });
  }

  private initError(request: RuntimeRequest): RuntimeResponse {
    const reported = runtimeReportedError(request.body, header(request, "lambda-runtime-function-error-type"));
    const current = this.running ?? this.waiting;
    if (current) this.finishWith(current, reported.payload, reported.errorType);
    void this.kill();
    return json(202, { status: "OK" });
  }

  private timedOut(running: Running): void {
    if (this.running !== running) return;
    this.finishWithError(running, timeoutError(running.requestId, this.settings.timeoutSeconds));
    void this.kill();
  }

  private initTimedOut(): void {
    if (this.state !== "starting") return;
    this.failWaiting(initTimeoutError(this.waiting?.requestId ?? "", INIT_TIMEOUT_SECONDS));
    void this.kill();
  }

  private failWaiting(error: ErrorPayload): void {
    if (this.waiting) this.finishWithError(this.waiting, error);
  }

  private finishWithError(assignment: Assignment, error: ErrorPayload): void {
    this.finishWith(assignment, Buffer.from(JSON.stringify(error)), error.errorType);
  }

  private finishWith(assignment: Assignment, payload: Buffer, errorType?: string): void {
    if (this.running === assignment) this.finish(this.running, payload, errorType);
    else if (this.waiting === assignment) {
      this.waiting = undefined;
      assignment.settle(
        outcomeOf(
          assignment.requestId,
          payload,
          errorType,
          0,
          `START RequestId: ${assignment.requestId} Version: $LATEST\n`,
          this.settings.memoryMb,
        ),
      );
    }
  }

  private finish(running: Running, payload: Buffer, errorType?: string): void {
    clearTimeout(running.timer);
    this.running = undefined;
    this.events.onSettled?.(this, running.requestId);
    if (this.state === "busy") this.state = "between";
    const durationMs = performance.now() - running.startedAt;
    // Output the bootstrap wrote just before answering may still be in the pipe: take it one turn later.
    setImmediate(() =>
      running.settle(
        outcomeOf(running.requestId, payload, errorType, durationMs, running.log.join(""), this.settings.memoryMb),
      ),
    );
  }

  private becomeGone(): void {
    if (this.state === "gone") return;
    this.state = "gone";
    clearTimeout(this.initTimer);
    this.pendingNext = undefined;
    this.events.onGone(this);
  }
}

function outcomeOf(
  requestId: string,
  payload: Buffer,
  errorType: string | undefined,
  durationMs: number,
  log: string,
  memoryMb: number,
): InvokeOutcome {
  const billedMs = Math.max(1, Math.ceil(durationMs));
  const outcome: InvokeOutcome = {
    requestId,
    payload,
    durationMs,
    billedMs,
    log: log + reportLines(requestId, durationMs, billedMs, memoryMb),
  };
  if (errorType !== undefined) {
    outcome.functionError = "Unhandled";
    outcome.errorType = errorType;
  }
  return outcome;
}

function header(request: RuntimeRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function json(status: number, body: unknown): RuntimeResponse {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) };
}

function notFound(request: RuntimeRequest): RuntimeResponse {
  return json(404, {
    errorMessage: `no Runtime API route ${request.method} ${request.path}`,
    errorType: "InvalidRequest",
  });
}

/** An X-Ray trace header of the shape Lambda passes: Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0. */
export function newTraceId(now: number = Date.now()): string {
  const epoch = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, "0");
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}
