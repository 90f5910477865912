/**
 * The gateway-container path: hello's bootstrap, built by `rpk build`, runs in the provided:al2023 stand-in
 * image inside BuildKit (NewContainer / ExecProcess, no network, no network.host entitlement), reached
 * through rpk-relay, and answers an Invoke API call. Afterwards the daemon holds no container of ours.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildkitConnection, connect } from "../../src/buildkit/index.js";
import { gatewayContainerLauncher, openGatewaySession, relayState, solveState } from "../../src/dev/index.js";
import { image, local } from "../../src/llb/index.js";
import { FunctionPool, type HttpFront, startHttpFront } from "../../src/runtime/index.js";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { readZip } from "../helpers/zip.js";
import { rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { MARK_VARIABLE, markedContainers, markedProcesses, runcContainers } from "./support/rpk-dev.js";

const env = loadTestEnv();
const scratchDir = mkdtempSync(join(tmpdir(), "rpk-runtime-ctr-"));
const PROVIDED = "public.ecr.aws/lambda/provided:al2023";

/** Marks this file's instances (their environment): other test files run rpk containers at the same time. */
const mark = randomBytes(6).toString("hex");
const seenContainers = new Set<string>();

/** Our running containers (rpk-relay is each one's init), remembered so the end can check they are gone. */
function ourContainers(): string[] {
  const ids = markedContainers(mark);
  for (const id of ids) seenContainers.add(id);
  return ids;
}

/** Processes of our containers as the host sees them: rpk-relay and the bootstrap it started. */
function containerProcesses(): string[] {
  return markedProcesses(mark).map((p) => p.command);
}

describe("bootstrap in a gateway container", () => {
  let connection: BuildkitConnection;
  let runtimeDir: string;
  let faultsDir: string;

  beforeAll(async () => {
    const out = join(scratchDir, "out");
    await rpkBuildOk([join(repoRoot, "examples", "hello"), "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
    const entries = readZip(readFileSync(join(out, "hello.zip")));
    runtimeDir = join(scratchDir, "runtime");
    mkdirSync(runtimeDir);
    const bootstrap = entries.find((e) => e.name === "bootstrap");
    if (!bootstrap) throw new Error(`hello.zip has no bootstrap: ${entries.map((e) => e.name).join(", ")}`);
    writeFileSync(join(runtimeDir, "bootstrap"), bootstrap.data);
    chmodSync(join(runtimeDir, "bootstrap"), 0o755);
    // The fault fixture, built by the host's go, runs in the same image for the crash and timeout cases.
    faultsDir = join(scratchDir, "faults");
    mkdirSync(faultsDir);
    execFileSync(
      "go",
      ["build", "-tags", "lambda.norpc", "-trimpath", "-o", join(faultsDir, "bootstrap"), "./faults"],
      {
        cwd: join(repoRoot, "test", "fixtures", "runtime"),
        env: { ...process.env, ...env.go.env, CGO_ENABLED: "0", GOOS: "linux" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    connection = await connect({ address: env.buildkit.host });
  }, 600_000);

  afterAll(() => {
    connection?.close();
    rmSync(scratchDir, { recursive: true, force: true });
  });

  it("answers an invoke from the provided:al2023 image through rpk-relay, and leaves nothing behind", async () => {
    const gateway = await openGatewaySession({ connection, sources: { runtime: runtimeDir, faults: faultsDir } });
    let front: HttpFront | undefined;
    let pool: FunctionPool | undefined;
    const logs: string[] = [];
    try {
      const started = performance.now();
      const [baseRef, runtimeRef, relayRef] = await Promise.all([
        solveState(gateway.bridge, image(PROVIDED)),
        solveState(gateway.bridge, local("runtime", { sessionId: gateway.sessionId })),
        solveState(gateway.bridge, relayState(env.images.golang!.ref)),
      ]);
      const solvedMs = performance.now() - started;
      pool = new FunctionPool({
        settings: {
          name: "hello",
          timeoutSeconds: 10,
          memoryMb: 128,
          region: "us-east-1",
          concurrency: 2,
          environment: { [MARK_VARIABLE]: mark },
        },
        launcher: gatewayContainerLauncher({ containers: gateway.containers, baseRef, runtimeRef, relayRef }),
        onOutput: (chunk) => logs.push(chunk.toString()),
      });
      front = await startHttpFront({ functions: new Map([["hello", pool]]) });
      const invoke = async (name: string) => {
        const response = await fetch(`${front!.url}/2015-03-31/functions/hello/invocations`, {
          method: "POST",
          body: JSON.stringify({ name }),
          headers: { "X-Amz-Log-Type": "Tail" },
        });
        return { response, body: await response.text() };
      };
      const coldStart = performance.now();
      const first = await invoke("container");
      const coldMs = performance.now() - coldStart;
      expect(first.response.status).toBe(200);
      expect(first.response.headers.get("x-amz-function-error"), `${first.body}\n${logs.join("")}`).toBeNull();
      expect(JSON.parse(first.body)).toEqual({ message: "Hello, container!" });
      const tail = Buffer.from(first.response.headers.get("x-amz-log-result") ?? "", "base64").toString();
      expect(tail).toMatch(/^START RequestId: /);
      expect(tail).toMatch(/REPORT RequestId: .*Billed Duration: \d+ ms/);
      const warmStart = performance.now();
      const second = await invoke("again");
      const warmMs = performance.now() - warmStart;
      expect(JSON.parse(second.body)).toEqual({ message: "Hello, again!" });
      expect(pool.stats()).toMatchObject({ started: 1, instances: 1 });
      console.log(
        `container path: solve ${solvedMs.toFixed(0)} ms, cold invoke ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(1)} ms`,
      );
      expect(ourContainers().length).toBe(1);
      expect(containerProcesses().length).toBe(2);
      // A 3 MB event and answer cross the relay's frames and the exec stream in pieces, intact.
      const big = "x".repeat(3 * 1024 * 1024);
      const large = await invoke(big);
      expect(large.response.status).toBe(200);
      expect(JSON.parse(large.body)).toEqual({ message: `Hello, ${big}!` });
      // Overlapping invokes start a second container (the cap is 2) and every answer is right.
      const names = ["a", "b", "c", "d", "e", "f"];
      const overlapping = await Promise.all(names.map((n) => invoke(n)));
      expect(overlapping.map((o) => JSON.parse(o.body).message)).toEqual(names.map((n) => `Hello, ${n}!`));
      expect(pool.stats().started).toBeLessThanOrEqual(2);
      expect(ourContainers().length).toBe(pool.stats().instances);

      // A crash and a timeout inside the container: the service's answers, and each container is gone.
      const faultsRef = await solveState(gateway.bridge, local("faults", { sessionId: gateway.sessionId }));
      const faults = new FunctionPool({
        settings: {
          name: "faults",
          timeoutSeconds: 2,
          memoryMb: 128,
          region: "us-east-1",
          concurrency: 1,
          environment: { [MARK_VARIABLE]: mark },
        },
        launcher: gatewayContainerLauncher({
          containers: gateway.containers,
          baseRef,
          runtimeRef: faultsRef,
          relayRef,
        }),
      });
      try {
        const exited = await faults.invoke({ payload: Buffer.from('{"action":"exit","code":3}') });
        expect(JSON.parse(exited.payload.toString())).toEqual({
          errorMessage: `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`,
          errorType: "Runtime.ExitError",
        });
        const slow = await faults.invoke({ payload: Buffer.from('{"action":"sleep","ms":10000}') });
        expect(JSON.parse(slow.payload.toString())).toEqual({
          errorMessage: `RequestId: ${slow.requestId} Error: Task timed out after 2.00 seconds`,
          errorType: "Sandbox.Timedout",
        });
        const report = JSON.parse(
          (await faults.invoke({ payload: Buffer.from('{"action":"echo"}') })).payload.toString(),
        );
        expect(report.env).toMatchObject({ LAMBDA_TASK_ROOT: "/var/task", AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" });
        expect(faults.stats().started).toBe(3);
      } finally {
        await faults.close();
      }
    } finally {
      await front?.close();
      await pool?.close();
      await gateway.close();
    }
    const listed = new Set(runcContainers().map((c) => c.id));
    expect([...seenContainers].filter((id) => listed.has(id))).toEqual([]);
    expect(containerProcesses()).toEqual([]);
  }, 420_000);
});
