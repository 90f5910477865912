/**
 * rpk's local Lambda runtime on the host fast path: real bootstraps (hello, and the Go fixtures under
 * test/fixtures/runtime built with the host's go) run unmodified under rpk's Runtime API, called through the
 * HTTP front by the AWS SDK for JavaScript v3, the AWS CLI, curl and fetch.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FunctionPool,
  type FunctionSettings,
  type HttpFront,
  hostLauncher,
  type RequestLogLine,
  startHttpFront,
} from "../../src/runtime/index.js";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { awsLambdaInvoke, LOCAL_CREDENTIALS } from "./support/aws-cli.js";
import { expectFunctionUrlFixtureAnswer } from "./support/function-url-fixture.js";

const env = loadTestEnv();
const scratch = mkdtempSync(join(tmpdir(), "rpk-runtime-"));
const fixtures = join(repoRoot, "test", "fixtures", "runtime");

/** `go build` for Lambda on this host: static, linux, no RPC entry point. */
function goBuild(dir: string, pkg: string, out: string): string {
  const output = join(scratch, out);
  execFileSync("go", ["build", "-tags", "lambda.norpc", "-trimpath", "-o", output, pkg], {
    cwd: dir,
    env: { ...process.env, ...env.go.env, CGO_ENABLED: "0", GOOS: "linux" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return output;
}

function settings(name: string, extra: Partial<FunctionSettings> = {}): FunctionSettings {
  return { name, timeoutSeconds: 3, memoryMb: 256, region: "eu-west-1", concurrency: 4, environment: {}, ...extra };
}

interface Report {
  tag: string;
  pid: number;
  logStream: string;
  requestId: string;
  functionArn: string;
  deadlineMs: number;
  nowMs: number;
  overlap: boolean;
  env: Record<string, string>;
}

const pools: FunctionPool[] = [];
const deliveries: { instance: string; requestId: string; kind: "delivered" | "settled" }[] = [];
const lines: RequestLogLine[] = [];
let front: HttpFront;
const CREDENTIALS = LOCAL_CREDENTIALS;

/** A bootstrap that runs fixtures/runtime/headers-bootstrap.mjs with this Node. */
function nodeBootstrap(): string {
  const path = join(scratch, "headers-bootstrap");
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${join(fixtures, "headers-bootstrap.mjs")}"\n`);
  chmodSync(path, 0o755);
  return path;
}

beforeAll(() => {
  const hello = goBuild(join(repoRoot, "examples", "hello"), ".", "hello");
  const headers = nodeBootstrap();
  const faults = goBuild(fixtures, "./faults", "faults");
  const url = goBuild(fixtures, "./url", "url");
  const pool = (s: FunctionSettings, bootstrap: string) => {
    const made = new FunctionPool({
      settings: s,
      launcher: hostLauncher({ bootstrap, taskRoot: scratch }),
      onDelivered: (instance, requestId) => deliveries.push({ instance, requestId, kind: "delivered" }),
      onSettled: (instance, requestId) => deliveries.push({ instance, requestId, kind: "settled" }),
    });
    pools.push(made);
    return made;
  };
  const functions = new Map([
    ["hello", pool(settings("hello"), hello)],
    [
      "faults",
      pool(settings("faults", { timeoutSeconds: 1, environment: { ...CREDENTIALS, FIXTURE_VARIABLE: "set" } }), faults),
    ],
    ["busy", pool(settings("busy", { concurrency: 8 }), faults)],
    ["url", pool(settings("url"), url)],
    ["headers", pool(settings("headers", { timeoutSeconds: 5 }), headers)],
    ["initerror", pool(settings("initerror", { environment: { FIXTURE_INIT_ERROR: "1" } }), headers)],
  ]);
  return startHttpFront({ functions, onRequest: (line) => lines.push(line) }).then((started) => {
    front = started;
  });
}, 120_000);

afterAll(async () => {
  await front?.close();
  await Promise.all(pools.map((p) => p.close()));
  rmSync(scratch, { recursive: true, force: true });
});

async function invoke(name: string, event: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${front.url}/2015-03-31/functions/${name}/invocations`, {
    method: "POST",
    body: JSON.stringify(event),
    headers,
  });
  const text = await response.text();
  return { response, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Invoke API with real clients", () => {
  const client = () =>
    new LambdaClient({
      endpoint: front.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    });

  it("AWS SDK v3: hello answers its recorded response, with the version and a 4 KB log tail", async () => {
    const expected = JSON.parse(readFileSync(join(repoRoot, "examples", "hello", "expected-invoke.json"), "utf8"));
    const out = await client().send(
      new InvokeCommand({ FunctionName: "hello", Payload: JSON.stringify(expected.hello.event), LogType: "Tail" }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual(expected.hello.response);
    const log = Buffer.from(out.LogResult!, "base64").toString();
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toMatch(
      /\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: .*\tBilled Duration: \d+ ms\tMemory Size: 256 MB\n$/,
    );
  });

  it("AWS SDK v3: an ARN works as the name; an unknown function is ResourceNotFoundException (404)", async () => {
    const byArn = await client().send(
      new InvokeCommand({ FunctionName: "arn:aws:lambda:eu-west-1:012345678912:function:hello", Payload: "{}" }),
    );
    expect(JSON.parse(Buffer.from(byArn.Payload!).toString())).toEqual({ message: "Hello, world!" });
    const missing = await client()
      .send(new InvokeCommand({ FunctionName: "nope", Payload: "{}" }))
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    expect((missing as ResourceNotFoundException).message).toBe(
      "Function not found: arn:aws:lambda:us-east-1:012345678912:function:nope",
    );
  });

  it("AWS SDK v3: Event answers 202 at once, DryRun 204; a function error carries X-Amz-Function-Error", async () => {
    const event = await client().send(
      new InvokeCommand({ FunctionName: "hello", InvocationType: "Event", Payload: "{}" }),
    );
    expect(event.StatusCode).toBe(202);
    const dry = await client().send(new InvokeCommand({ FunctionName: "hello", InvocationType: "DryRun" }));
    expect(dry.StatusCode).toBe(204);
    const failed = await client().send(new InvokeCommand({ FunctionName: "faults", Payload: '{"action":"error"}' }));
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe("Unhandled");
    expect(JSON.parse(Buffer.from(failed.Payload!).toString())).toEqual({
      errorMessage: "the handler failed on purpose",
      errorType: "errorString",
    });
  });

  it("refuses a body that is not JSON (400) or larger than 6 MB (413) as the service does", async () => {
    const url = `${front.url}/2015-03-31/functions/hello/invocations`;
    const notJson = await fetch(url, { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
    expect(((await notJson.json()) as { Message: string }).Message).toMatch(
      /^Could not parse request body into json: /,
    );
    const tooLarge = await fetch(url, { method: "POST", body: JSON.stringify("x".repeat(6 * 1024 * 1024)) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get("x-amzn-errortype")).toBe("RequestTooLargeException");
  });

  it("AWS CLI: aws lambda invoke --endpoint-url … --log-type Tail", async () => {
    const outFile = join(scratch, "cli-out.json");
    const cli = { awsCli: env.clients.awsCli, endpoint: front.url, outFile };
    const { stdout } = await awsLambdaInvoke({
      ...cli,
      name: "hello",
      args: ["--payload", '{"name":"cli"}', "--log-type", "Tail"],
    });
    const summary = JSON.parse(stdout) as { StatusCode: number; ExecutedVersion: string; LogResult: string };
    expect(summary.StatusCode).toBe(200);
    expect(summary.ExecutedVersion).toBe("$LATEST");
    expect(Buffer.from(summary.LogResult, "base64").toString()).toMatch(/REPORT RequestId: /);
    expect(JSON.parse(readFileSync(outFile, "utf8"))).toEqual({ message: "Hello, cli!" });
    const missing = await awsLambdaInvoke({ ...cli, name: "nope" }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((missing as { code: number }).code).not.toBe(0);
    expect((missing as { stderr: string }).stderr).toContain("ResourceNotFoundException");
  }, 60_000);
});

describe("the Runtime API as aws-lambda-go uses it", () => {
  it("hands the bootstrap Lambda's environment and a deadline of now + timeout", async () => {
    const before = Date.now();
    const { json } = await invoke("faults", { action: "echo" });
    const report = json as unknown as Report;
    expect(report.deadlineMs).toBeGreaterThanOrEqual(before + 1000);
    expect(report.deadlineMs).toBeLessThanOrEqual(Date.now() + 1000);
    expect(report.deadlineMs - report.nowMs).toBeGreaterThan(800);
    expect(report.functionArn).toBe("arn:aws:lambda:eu-west-1:012345678912:function:faults");
    expect(report.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: "faults",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      _HANDLER: "bootstrap",
      LAMBDA_RUNTIME_DIR: "/var/runtime",
      LAMBDA_TASK_ROOT: scratch,
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/faults",
      TZ: ":UTC",
      AWS_ACCESS_KEY_ID: "AKIDLOCAL",
      FIXTURE_VARIABLE: "set",
    });
    expect(report.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(report.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it("passes the request ID, deadline, ARN, trace ID and client context headers; refuses a wrong request ID", async () => {
    const clientContext = { custom: { a: "b" }, env: { platform: "test" } };
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    const before = Date.now();
    const { response, json } = await invoke(
      "headers",
      { k: "v" },
      {
        "X-Amz-Client-Context": Buffer.from(JSON.stringify(clientContext)).toString("base64"),
        "X-Amzn-Trace-Id": trace,
      },
    );
    const answer = json as {
      event: unknown;
      headers: Record<string, string>;
      wrongIdStatus: number;
      wrongIdBody: unknown;
    };
    expect(answer.event).toEqual({ k: "v" });
    expect(answer.headers["lambda-runtime-aws-request-id"]).toBe(response.headers.get("x-amzn-requestid"));
    const deadline = Number(answer.headers["lambda-runtime-deadline-ms"]);
    expect(deadline).toBeGreaterThanOrEqual(before + 5000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 5000);
    expect(answer.headers["lambda-runtime-invoked-function-arn"]).toBe(
      "arn:aws:lambda:eu-west-1:012345678912:function:headers",
    );
    expect(answer.headers["lambda-runtime-trace-id"]).toBe(trace);
    expect(JSON.parse(answer.headers["lambda-runtime-client-context"]!)).toEqual(clientContext);
    expect(answer.wrongIdStatus).toBe(400);
    expect(answer.wrongIdBody).toMatchObject({ errorType: "InvalidRequestID" });
    const untraced = (await invoke("headers", {})).json as { headers: Record<string, string> };
    expect(untraced.headers["lambda-runtime-trace-id"]).toMatch(
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
    expect(untraced.headers["lambda-runtime-client-context"]).toBeUndefined();
  });

  it("an error posted to /runtime/init/error is the invoke's answer, and that instance is dropped", async () => {
    const first = await invoke("initerror", {});
    expect(first.response.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(first.json).toEqual({ errorMessage: "init failed on purpose", errorType: "Runtime.InitFailure" });
    await invoke("initerror", {});
    const stats = pools[5]!.stats();
    expect(stats.started).toBe(2);
  });

  it("a handler panic is an Unhandled error; the next request runs in a fresh instance", async () => {
    const first = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    const panic = await invoke("faults", { action: "panic" });
    expect(panic.response.status).toBe(200);
    expect(panic.response.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(panic.json).toMatchObject({ errorMessage: "the handler panicked on purpose", errorType: "string" });
    expect(Array.isArray(panic.json!.stackTrace)).toBe(true);
    const after = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    expect(after.pid).not.toBe(first.pid);
  });

  it("os.Exit(3) answers Runtime.ExitError with the exit status; the next request starts a fresh instance", async () => {
    const first = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    const exited = await invoke("faults", { action: "exit", code: 3 });
    expect(exited.response.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(exited.json).toEqual({
      errorMessage: `RequestId: ${exited.response.headers.get("x-amzn-requestid")} Error: Runtime exited with error: exit status 3`,
      errorType: "Runtime.ExitError",
    });
    expect(processAlive(first.pid)).toBe(false);
    const after = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    expect(after.pid).not.toBe(first.pid);
  });

  it("a handler sleeping past the timeout is killed and answers Task timed out after 1.00 seconds", async () => {
    const first = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    const started = performance.now();
    const slow = await invoke("faults", { action: "sleep", ms: 5000 }, { "X-Amz-Log-Type": "Tail" });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(990);
    expect(took).toBeLessThan(2500);
    expect(slow.response.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(slow.json).toEqual({
      errorMessage: `RequestId: ${slow.response.headers.get("x-amzn-requestid")} Error: Task timed out after 1.00 seconds`,
      errorType: "Sandbox.Timedout",
    });
    const log = Buffer.from(slow.response.headers.get("x-amz-log-result")!, "base64").toString();
    expect(log).toContain("faults: action=sleep");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processAlive(first.pid)).toBe(false);
    const after = (await invoke("faults", { action: "echo" })).json as unknown as Report;
    expect(after.pid).not.toBe(first.pid);
  });

  it("100 concurrent requests: every one answered once, at most 8 instances, never two events in one", async () => {
    const start = deliveries.length;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => invoke("busy", { action: "sleep", ms: 20, tag: `t${i}` })),
    );
    const reports = answers.map((a) => a.json as unknown as Report);
    expect(answers.every((a) => a.response.status === 200 && !a.response.headers.get("x-amz-function-error"))).toBe(
      true,
    );
    expect(reports.map((r) => r.tag).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`).sort());
    expect(reports.some((r) => r.overlap)).toBe(false);
    const instances = new Set(reports.map((r) => r.logStream));
    expect(instances.size).toBeGreaterThan(1);
    expect(instances.size).toBeLessThanOrEqual(8);
    // Per instance, the runtime's own record alternates delivered → settled for the same request.
    const events = deliveries.slice(start);
    const byInstance = new Map<string, typeof events>();
    for (const e of events) byInstance.set(e.instance, [...(byInstance.get(e.instance) ?? []), e]);
    for (const list of byInstance.values()) {
      list.forEach((e, i) => {
        expect(e.kind).toBe(i % 2 === 0 ? "delivered" : "settled");
        if (i % 2 === 1) expect(e.requestId).toBe(list[i - 1]!.requestId);
      });
    }
    expect(events.filter((e) => e.kind === "delivered")).toHaveLength(100);
  }, 60_000);
});

describe("retiring a pool", () => {
  it("drain lets accepted invocations finish, refuses new ones, then stops every instance", async () => {
    const bootstrap = join(scratch, "faults");
    const pool = new FunctionPool({
      settings: settings("drained", { concurrency: 2 }),
      launcher: hostLauncher({ bootstrap, taskRoot: scratch }),
    });
    const running = [1, 2, 3].map((i) =>
      pool.invoke({ payload: Buffer.from(JSON.stringify({ action: "sleep", ms: 200, tag: `d${i}` })) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const draining = pool.drain();
    await expect(pool.invoke({ payload: Buffer.from("{}") })).rejects.toThrow("function drained is shut down");
    const outcomes = await Promise.all(running);
    expect(outcomes.map((o) => o.functionError)).toEqual([undefined, undefined, undefined]);
    const pids = outcomes.map((o) => (JSON.parse(o.payload.toString()) as Report).pid);
    await draining;
    expect(pool.stats()).toMatchObject({ instances: 0, queued: 0, started: 2 });
    for (const pid of new Set(pids)) expect(processAlive(pid)).toBe(false);
  });
});

describe("Function URLs", () => {
  it("curl gets the status, headers, cookies and binary body the handler set", async () => {
    await expectFunctionUrlFixtureAnswer(front.url);
  });

  it("the handler receives a payload-format-2.0 event with every field", async () => {
    const before = Date.now();
    const response = await fetch(`${front.url}/lambda-url/url/echo/path?a=1&a=2&b=x%20y`, {
      method: "POST",
      body: '{"hello":"world"}',
      headers: {
        "content-type": "application/json",
        cookie: "c1=v1; c2=v2",
        "user-agent": "rpk-test",
        "x-multi": "one",
      },
    });
    expect(response.status).toBe(418);
    const event = (await response.json()) as Record<string, unknown> & { requestContext: Record<string, unknown> };
    // The handler echoes events.LambdaFunctionURLRequest, which has no top-level routeKey field.
    expect(event).toMatchObject({
      version: "2.0",
      rawPath: "/echo/path",
      rawQueryString: "a=1&a=2&b=x%20y",
      cookies: ["c1=v1", "c2=v2"],
      queryStringParameters: { a: "1,2", b: "x y" },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
    });
    expect((event.headers as Record<string, string>)["user-agent"]).toBe("rpk-test");
    expect((event.headers as Record<string, string>).cookie).toBeUndefined();
    // events.LambdaFunctionURLRequestContext has no routeKey/stage either (the unit tests check ours).
    expect(event.requestContext).toMatchObject({
      accountId: "anonymous",
      domainName: new URL(front.url).host,
      http: { method: "POST", path: "/echo/path", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "rpk-test" },
    });
    expect(event.requestContext.requestId).toBe(response.headers.get("x-amzn-requestid"));
    expect(event.requestContext.timeEpoch as number).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const binary = await fetch(`${front.url}/lambda-url/url/up`, {
      method: "PUT",
      body: new Uint8Array([0, 255, 1]),
      headers: { "content-type": "application/octet-stream" },
    });
    const binaryEvent = (await binary.json()) as { body: string; isBase64Encoded: boolean };
    expect(binaryEvent).toMatchObject({ body: Buffer.from([0, 255, 1]).toString("base64"), isBase64Encoded: true });
  });

  it("a plain JSON result is a 200 application/json; a single function is also served at /", async () => {
    const hello = await fetch(`${front.url}/lambda-url/hello/`);
    expect(hello.status).toBe(200);
    expect(hello.headers.get("content-type")).toBe("application/json");
    expect(await hello.json()).toEqual({ message: "Hello, world!" });
    const single = await startHttpFront({ functions: new Map([["url", pools[3]!]]) });
    try {
      const atRoot = await fetch(`${single.url}/any/where?plain=1`);
      expect(atRoot.status).toBe(200);
      expect(await atRoot.json()).toMatchObject({ rawPath: "/any/where", rawQueryString: "plain=1" });
    } finally {
      await single.close();
    }
  });

  it("logs one line per request with the function, status, duration and billed ms", () => {
    const urlLines = lines.filter((l) => l.via === "url" && l.function === "url");
    expect(urlLines.length).toBeGreaterThanOrEqual(3);
    expect(urlLines.find((l) => l.status === 201)).toMatchObject({ function: "url", via: "url" });
    const busy = lines.filter((l) => l.function === "busy");
    expect(busy).toHaveLength(100);
    for (const line of busy) {
      expect(line.status).toBe(200);
      expect(line.billedMs).toBe(Math.max(1, Math.ceil(line.durationMs)));
      expect(line.billedMs).toBeGreaterThanOrEqual(20);
    }
  });
});
