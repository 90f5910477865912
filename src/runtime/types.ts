/**
 * What rpk's local Lambda runtime works with: a function's settings, one invocation's request and outcome,
 * and the Runtime API exchange as plain data (so the same logic serves a host HTTP server and the relay
 * inside a gateway container).
 */

export interface FunctionSettings {
  /** The function name callers use (Invoke API path, Function URL path). */
  name: string;
  /** Seconds; the deadline handed to the bootstrap is now + timeout. */
  timeoutSeconds: number;
  memoryMb: number;
  region: string;
  /** At most this many instances run at once; further invocations wait for one to be free. */
  concurrency: number;
  /** Extra environment for the bootstrap (credentials, the function's own variables). */
  environment: Record<string, string>;
}

export interface InvokeRequest {
  payload: Buffer;
  /** Decoded JSON of X-Amz-Client-Context (the Invoke API carries it base64-encoded). */
  clientContext?: string;
  cognitoIdentity?: string;
  traceId?: string;
  /** Request ID to use; a random UUID when absent. */
  requestId?: string;
}

/** How an invocation ended, in the terms the Invoke API reports it. */
export interface InvokeOutcome {
  requestId: string;
  /** The response payload, or the error payload (`{errorMessage, errorType, …}`) when `functionError`. */
  payload: Buffer;
  /** Set when the function or its runtime failed: the Invoke API's X-Amz-Function-Error. */
  functionError?: "Unhandled";
  /** errorType of a failure (`Runtime.ExitError`, `Sandbox.Timedout`, or the function's own type). */
  errorType?: string;
  durationMs: number;
  billedMs: number;
  /** The invocation's log: START, what the function printed while it ran, END and REPORT. */
  log: string;
}

/** One HTTP request a bootstrap made to the Runtime API, as data. */
export interface RuntimeRequest {
  method: string;
  /** Path and query, e.g. `/2018-06-01/runtime/invocation/next`. */
  path: string;
  /** Header names in any case. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RuntimeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type RuntimeApiHandler = (request: RuntimeRequest) => Promise<RuntimeResponse>;
