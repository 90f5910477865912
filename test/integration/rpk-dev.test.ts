/**
 * The dev server, started in-process on a copy of examples/monorepo against the real daemon: the AWS CLI and
 * the JS SDK v3 invoke every Lambda (each in its Lambda base image inside BuildKit); an edit of one Lambda's
 * file recompiles only that target (read from the session's progress stream) and the next request answers
 * with the new code; an edit no target includes runs no build; a compile error is a 502 with the compiler's
 * message until the fix, which serves again.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildkitConnection, connect, type SolveStatus } from "../../src/buildkit/index.js";
import { requestFromEnv } from "../../src/cli/build-request.js";
import { type BuildEvent, type DevServer, startDevServer } from "../../src/dev/index.js";
import { planDirectory } from "../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../src/plan/settings.js";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { awsLambdaInvoke, LOCAL_CREDENTIALS } from "./support/aws-cli.js";

const env = loadTestEnv();
const scratch = mkdtempSync(join(tmpdir(), "rpk-dev-"));
const tree = join(scratch, "monorepo");
const CREDENTIALS = LOCAL_CREDENTIALS;
const expected = JSON.parse(
  readFileSync(join(repoRoot, "examples", "monorepo", "expected-invoke.json"), "utf8"),
) as Record<string, { event: unknown; response: unknown }>;
const apiSource = join(tree, "cmd", "api", "main.go");
const originalApi = readFileSync(join(repoRoot, "examples", "monorepo", "cmd", "api", "main.go"), "utf8");

/** Compile steps (`[target] go build …`) the daemon ran, not took from its cache, in order. */
const compiled: string[] = [];
const builds: BuildEvent[] = [];
const logs: string[] = [];
let server: DevServer;
let connection: BuildkitConnection;

function recordCompiles(status: SolveStatus): void {
  for (const vertex of status.vertexes) {
    if (vertex.completed && !vertex.cached && /^\[[\w-]+\] go build /.test(vertex.name) && !vertex.error) {
      compiled.push(vertex.name);
    }
  }
}

async function nextBuild(after: number, timeoutMs = 420_000): Promise<BuildEvent> {
  const deadline = Date.now() + timeoutMs;
  while (builds.length <= after) {
    if (Date.now() > deadline) throw new Error(`no rebuild within ${timeoutMs} ms:\n${logs.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return builds[after]!;
}

async function invokeApi(): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}/2015-03-31/functions/api/invocations`, {
    method: "POST",
    body: JSON.stringify(expected.api!.event),
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  cpSync(join(repoRoot, "examples", "monorepo"), tree, { recursive: true });
  connection = await connect({ address: env.buildkit.host });
  server = await startDevServer({
    connection,
    dir: tree,
    planTree: async () => (await planDirectory(tree, DEFAULT_SETTINGS)).plan,
    function: { timeoutSeconds: 10, memoryMb: 128, region: "eu-west-1", concurrency: 2, environment: {} },
    request: requestFromEnv(env.go.env),
    log: (line) => logs.push(line),
    onStatus: recordCompiles,
    onBuild: (event) => builds.push(event),
  });
}, 600_000);

afterAll(async () => {
  await server?.close();
  connection?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("rpk dev on the monorepo example", () => {
  it("serves every Lambda to the AWS CLI and the JS SDK v3", async () => {
    expect(server.functions()).toEqual(["api", "thumbnail", "worker"]);
    expect(builds[0]?.built).toEqual(["api", "thumbnail", "worker"]);
    const sdk = new LambdaClient({
      endpoint: server.url,
      region: "eu-west-1",
      credentials: { accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
    for (const [name, { event, response }] of Object.entries(expected)) {
      const answer = await sdk.send(
        new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: "Tail" }),
      );
      expect(answer.StatusCode).toBe(200);
      expect(answer.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(answer.Payload!).toString()), name).toEqual(response);
      expect(Buffer.from(answer.LogResult!, "base64").toString()).toMatch(/REPORT RequestId: /);

      const outFile = join(scratch, `${name}-out.json`);
      const { stdout } = await awsLambdaInvoke({
        awsCli: env.clients.awsCli,
        endpoint: server.url,
        name,
        outFile,
        args: ["--payload", JSON.stringify(event)],
      });
      expect(JSON.parse(stdout).StatusCode).toBe(200);
      expect(JSON.parse(readFileSync(outFile, "utf8")), name).toEqual(response);
    }
    expect(logs.some((l) => /^api invoke 200 [\d.]+ ms \(billed \d+ ms\)$/.test(l))).toBe(true);
  }, 120_000);

  it("an edit of api's file recompiles only api, and the next request answers with the new code", async () => {
    const before = builds.length;
    const compiledBefore = compiled.length;
    const editedAt = performance.now();
    // Unique per run: the daemon's cache outlives a test run, and an edit it has built before is a cache hit.
    const mark = randomBytes(4).toString("hex");
    writeFileSync(
      apiSource,
      originalApi.replace("Summary: orders.Summary(r.Order)", `Summary: "v2 " + orders.Summary(r.Order) + ""`) +
        `\nvar _ = "${mark}"\n`,
    );
    const event = await nextBuild(before);
    expect(event).toMatchObject({ built: ["api"], failures: [], replanned: false });
    const reran = [...new Set(compiled.slice(compiledBefore))];
    expect(reran.length).toBeGreaterThan(0);
    expect(reran.every((name) => name.startsWith("[api] go build "))).toBe(true);
    const answer = await invokeApi();
    console.log(`rpk dev: edit → first answer from the new code ${(performance.now() - editedAt).toFixed(0)} ms`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ summary: "v2 o-1: tea, scones" });
  }, 300_000);

  it("an edit of a file no target includes runs no build", async () => {
    const before = builds.length;
    const compiledBefore = compiled.length;
    writeFileSync(join(tree, "README.md"), "# edited\n");
    writeFileSync(join(tree, "cmd", "worker", "worker_test.go"), "package main\n");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(builds.length).toBe(before);
    expect(compiled.length).toBe(compiledBefore);
    expect(await server.changed(["README.md"])).toEqual({ built: [], failures: [], replanned: false });
  }, 30_000);

  it("a compile error answers 502 with the compiler's message until the fix serves again", async () => {
    const before = builds.length;
    writeFileSync(apiSource, originalApi.replace("orders.Summary(r.Order)", "orders.Summary(r.Order) + notDefined"));
    const failed = await nextBuild(before);
    expect(failed.built).toEqual([]);
    expect(failed.failures.map((f) => f.name)).toEqual(["api"]);
    expect(failed.failures[0]!.message).toMatch(/undefined: notDefined/);
    expect(logs.filter((l) => l.includes("undefined: notDefined")).length).toBe(1);
    const broken = await invokeApi();
    expect(broken.status).toBe(502);
    expect(broken.body).toMatch(/undefined: notDefined/);
    // The other functions keep serving.
    const worker = await fetch(`${server.url}/2015-03-31/functions/worker/invocations`, {
      method: "POST",
      body: JSON.stringify(expected.worker!.event),
    });
    expect(await worker.json()).toEqual(expected.worker!.response);

    writeFileSync(apiSource, originalApi);
    const fixed = await nextBuild(before + 1);
    expect(fixed.built).toEqual(["api"]);
    const answer = await invokeApi();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(expected.api!.response);
  }, 900_000);
});
