import { describe, expect, it } from "vitest";
import { instanceEnvironment, logStreamName } from "../../../src/runtime/environment.js";
import { newTraceId } from "../../../src/runtime/instance.js";
import { describeExit } from "../../../src/runtime/launcher.js";
import { exitError, runtimeReportedError, timeoutError } from "../../../src/runtime/payloads.js";
import { decodeFrames, encodeFrame, relayConnection } from "../../../src/runtime/relay-protocol.js";

describe("the bootstrap's environment", () => {
  const settings = {
    name: "fn",
    timeoutSeconds: 3,
    memoryMb: 512,
    region: "eu-central-1",
    concurrency: 1,
    environment: { MY_VAR: "1", AWS_ACCESS_KEY_ID: "AKID", AWS_REGION: "ignored", _HANDLER: "ignored" },
  };

  it("has what Lambda sets for provided runtimes; the function's own variables cannot override reserved ones", () => {
    const env = instanceEnvironment({ settings, instanceId: "a".repeat(32), now: new Date(Date.UTC(2026, 0, 2)) });
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: "fn",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_REGION: "eu-central-1",
      AWS_DEFAULT_REGION: "eu-central-1",
      _HANDLER: "bootstrap",
      LAMBDA_TASK_ROOT: "/var/task",
      LAMBDA_RUNTIME_DIR: "/var/runtime",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/fn",
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/02/[$LATEST]${"a".repeat(32)}`,
      TZ: ":UTC",
      MY_VAR: "1",
      AWS_ACCESS_KEY_ID: "AKID",
    });
    expect(env).not.toHaveProperty("AWS_LAMBDA_RUNTIME_API");
    expect(logStreamName(new Date(Date.UTC(2026, 11, 31)), "b")).toBe("2026/12/31/[$LATEST]b");
  });
});

describe("runtime error payloads", () => {
  it("word timeouts and exits as Lambda does", () => {
    expect(timeoutError("r1", 3)).toEqual({
      errorMessage: "RequestId: r1 Error: Task timed out after 3.00 seconds",
      errorType: "Sandbox.Timedout",
    });
    expect(exitError("r2", 3, "exit status 3")).toEqual({
      errorMessage: "RequestId: r2 Error: Runtime exited with error: exit status 3",
      errorType: "Runtime.ExitError",
    });
    expect(exitError("r3", 0, "exit status 0").errorMessage).toBe(
      "RequestId: r3 Error: Runtime exited without providing a reason",
    );
  });

  it("describe a process end in Go's words", () => {
    expect(describeExit(3, null)).toBe("exit status 3");
    expect(describeExit(null, "SIGKILL")).toBe("signal: killed");
    expect(describeExit(null, "SIGSEGV")).toBe("signal: segmentation fault");
  });

  it("pass a runtime's error object through, and wrap anything else", () => {
    const reported = runtimeReportedError(Buffer.from('{"errorMessage":"m","errorType":"T"}'), "Header.Type");
    expect(reported.errorType).toBe("T");
    expect(reported.payload.toString()).toBe('{"errorMessage":"m","errorType":"T"}');
    const wrapped = runtimeReportedError(Buffer.from("plain text"), "Runtime.Oops");
    expect(JSON.parse(wrapped.payload.toString())).toEqual({ errorMessage: "plain text", errorType: "Runtime.Oops" });
  });

  it("make X-Ray trace IDs of Lambda's shape", () => {
    expect(newTraceId(Date.UTC(2026, 0, 1))).toMatch(/^Root=1-6955b900-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });
});

describe("rpk-relay frames", () => {
  it("decode across arbitrary chunk boundaries", () => {
    const bytes = Buffer.concat([
      encodeFrame({ type: "request", id: 1, method: "GET", path: "/a" }),
      encodeFrame({ type: "exit", exit: "exit status 2", code: 2 }),
    ]);
    const decode = decodeFrames();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...decode(bytes.subarray(i, i + 3)));
    expect(frames).toEqual([
      { type: "request", id: 1, method: "GET", path: "/a" },
      { type: "exit", exit: "exit status 2", code: 2 },
    ]);
  });

  it("answer each request by id with base64 bodies, as Go's encoding/json reads []byte", async () => {
    const sent: Buffer[] = [];
    const connection = relayConnection(
      async (request) => ({
        status: 202,
        headers: { "x-path": request.path },
        body: Buffer.concat([request.body, Buffer.from("!")]),
      }),
      (bytes) => sent.push(bytes),
    );
    connection.receive(
      encodeFrame({ type: "request", id: 7, method: "POST", path: "/p", body: Buffer.from("hi").toString("base64") }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const [answer] = decodeFrames()(Buffer.concat(sent));
    expect(answer).toEqual({
      type: "response",
      id: 7,
      status: 202,
      headers: { "x-path": "/p" },
      body: Buffer.from("hi!").toString("base64"),
    });
    connection.receive(encodeFrame({ type: "exit", exit: "signal: killed", code: 137 }));
    expect(connection.exit).toEqual({ code: 137, description: "signal: killed" });
  });
});
