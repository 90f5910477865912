/**
 * The error payloads Lambda answers with when the runtime, not the handler, ends an invocation. Wording as
 * aws-lambda-runtime-interface-emulator writes it: `RequestId: <id> Error: <reason>`.
 */

export interface ErrorPayload {
  errorMessage: string;
  errorType: string;
  stackTrace?: unknown;
}

export function timeoutError(requestId: string, timeoutSeconds: number): ErrorPayload {
  return {
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    errorType: "Sandbox.Timedout",
  };
}

/** `description` as Go prints a process state: `exit status 3`, `signal: killed`. */
export function exitError(requestId: string, code: number | null, description: string): ErrorPayload {
  const reason = code === 0 ? "Runtime exited without providing a reason" : `Runtime exited with error: ${description}`;
  return { errorMessage: `RequestId: ${requestId} Error: ${reason}`, errorType: "Runtime.ExitError" };
}

/** The answer to an invocation the local endpoint drops because it stops (Ctrl-C of `rpk dev`). */
export function shuttingDownError(requestId?: string): ErrorPayload {
  const prefix = requestId ? `RequestId: ${requestId} Error: ` : "";
  return { errorMessage: `${prefix}the local Lambda endpoint is shutting down`, errorType: "Runtime.Unknown" };
}

export function initTimeoutError(requestId: string, seconds: number): ErrorPayload {
  return {
    errorMessage: `RequestId: ${requestId} Error: the bootstrap did not ask for an event within ${seconds.toFixed(2)} seconds of starting`,
    errorType: "Runtime.Unknown",
  };
}

/**
 * What a runtime posted to /error or /init/error, as the Invoke API returns it: the body when it is an
 * error object, else an object made from the Lambda-Runtime-Function-Error-Type header and the text.
 */
export function runtimeReportedError(
  body: Buffer,
  headerType: string | undefined,
): { payload: Buffer; errorType: string } {
  const text = body.toString("utf8");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const errorType = (parsed as { errorType?: unknown }).errorType;
      return { payload: body, errorType: typeof errorType === "string" ? errorType : (headerType ?? "Unhandled") };
    }
  } catch {
    // not JSON: wrap it below
  }
  const errorType = headerType ?? "Runtime.Unknown";
  return { payload: Buffer.from(JSON.stringify({ errorMessage: text, errorType })), errorType };
}

/** The log lines Lambda writes around an invocation. */
export function reportLines(requestId: string, durationMs: number, billedMs: number, memoryMb: number): string {
  return (
    `END RequestId: ${requestId}\n` +
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\t` +
    `Memory Size: ${memoryMb} MB\n`
  );
}
