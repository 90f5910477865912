import { describe, expect, it } from "vitest";
import {
  functionNameOf,
  functionNotFound,
  INVOKE_PATH,
  invokeResponseHeaders,
  LOG_TAIL_BYTES,
  logResult,
} from "../../../src/runtime/invoke-api.js";
import type { InvokeOutcome } from "../../../src/runtime/types.js";

const outcome: InvokeOutcome = {
  requestId: "id-1",
  payload: Buffer.from("{}"),
  durationMs: 1.5,
  billedMs: 2,
  log: "START RequestId: id-1 Version: $LATEST\nEND RequestId: id-1\n",
};

describe("the Invoke API", () => {
  it("accepts every form of function identifier the service accepts", () => {
    expect(functionNameOf("hello")).toBe("hello");
    expect(functionNameOf("hello:prod")).toBe("hello");
    expect(functionNameOf("123456789012:function:hello")).toBe("hello");
    expect(functionNameOf("arn:aws:lambda:us-east-1:123456789012:function:hello")).toBe("hello");
    expect(functionNameOf("arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST")).toBe("hello");
  });

  it("matches the invocations path", () => {
    expect(INVOKE_PATH.exec("/2015-03-31/functions/hello/invocations")?.[1]).toBe("hello");
    expect(INVOKE_PATH.exec("/2015-03-31/functions/arn%3Aaws%3Alambda/invocations")?.[1]).toBe("arn%3Aaws%3Alambda");
    expect(INVOKE_PATH.test("/2015-03-31/functions/hello")).toBe(false);
  });

  it("sets the version and request ID, the error header only on errors, the log only for Tail", () => {
    expect(invokeResponseHeaders(outcome, false)).toEqual({
      "content-type": "application/json",
      "x-amzn-requestid": "id-1",
      "x-amz-executed-version": "$LATEST",
    });
    const failed = invokeResponseHeaders(
      { ...outcome, functionError: "Unhandled", errorType: "Runtime.ExitError" },
      true,
    );
    expect(failed["x-amz-function-error"]).toBe("Unhandled");
    expect(Buffer.from(failed["x-amz-log-result"]!, "base64").toString()).toBe(outcome.log);
  });

  it("keeps the last 4 KB of a long log, starting on a character boundary", () => {
    const log = `${"é".repeat(3000)}tail`;
    const kept = Buffer.from(logResult(log), "base64");
    expect(kept.length).toBeLessThanOrEqual(LOG_TAIL_BYTES);
    expect(kept.length).toBeGreaterThan(LOG_TAIL_BYTES - 2);
    expect(kept.toString("utf8")).toMatch(/^é+tail$/);
  });

  it("answers an unknown function like the service: 404, x-amzn-ErrorType, {Type, Message}", () => {
    const error = functionNotFound("nope", "eu-west-1", "rid");
    expect(error.status).toBe(404);
    expect(error.headers["x-amzn-errortype"]).toBe("ResourceNotFoundException");
    expect(JSON.parse(error.body.toString())).toEqual({
      Type: "User",
      Message: "Function not found: arn:aws:lambda:eu-west-1:012345678912:function:nope",
    });
  });
});

describe("the request log line", () => {
  it("names the function, the route, the status, an error type, the duration and the billed ms", async () => {
    const { formatRequestLine } = await import("../../../src/runtime/http-front.js");
    expect(formatRequestLine({ function: "hello", via: "invoke", status: 200, durationMs: 3.24, billedMs: 4 })).toBe(
      "hello invoke 200 3.2 ms (billed 4 ms)",
    );
    expect(
      formatRequestLine({
        function: "f",
        via: "url",
        status: 502,
        durationMs: 10,
        billedMs: 10,
        errorType: "Runtime.ExitError",
      }),
    ).toBe("f url 502 Runtime.ExitError 10.0 ms (billed 10 ms)");
  });
});
