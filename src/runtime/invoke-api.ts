/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) as the real service answers it:
 * the function name in any form it accepts, response headers, and the service's error shape.
 */
import { functionArn } from "./environment.js";
import type { InvokeOutcome } from "./types.js";

export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** The most a synchronous invoke may carry, as the service enforces it. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** X-Amz-Log-Result holds at most the last 4 KB of the log. */
export const LOG_TAIL_BYTES = 4096;

/**
 * The function name inside any identifier the service accepts: `name`, `name:qualifier`,
 * `123456789012:function:name[:qualifier]`, `arn:aws:lambda:region:123456789012:function:name[:qualifier]`.
 */
export function functionNameOf(identifier: string): string {
  const parts = identifier.split(":");
  const at = parts.indexOf("function");
  if (at >= 0 && parts[at + 1]) return parts[at + 1]!;
  return parts[0]!;
}

/** Base64 of the last 4 KB of the log (whole UTF-8 characters), for X-Amz-Log-Result. */
export function logResult(log: string): string {
  let bytes = Buffer.from(log, "utf8");
  if (bytes.length > LOG_TAIL_BYTES) {
    let start = bytes.length - LOG_TAIL_BYTES;
    // Do not start inside a multi-byte character.
    while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
    bytes = bytes.subarray(start);
  }
  return bytes.toString("base64");
}

export function invokeResponseHeaders(outcome: InvokeOutcome, tail: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amzn-requestid": outcome.requestId,
    "x-amz-executed-version": "$LATEST",
  };
  if (outcome.functionError) headers["x-amz-function-error"] = outcome.functionError;
  if (tail) headers["x-amz-log-result"] = logResult(outcome.log);
  return headers;
}

export interface ServiceError {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An error as the service returns it: the type in x-amzn-ErrorType, `{Type, Message}` in the body. */
export function serviceError(status: number, errorType: string, message: string, requestId: string): ServiceError {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": errorType, "x-amzn-requestid": requestId },
    body: Buffer.from(JSON.stringify({ Type: status >= 500 ? "Service" : "User", Message: message })),
  };
}

export function functionNotFound(name: string, region: string, requestId: string): ServiceError {
  const arn = functionArn({ name, region });
  return serviceError(404, "ResourceNotFoundException", `Function not found: ${arn}`, requestId);
}
