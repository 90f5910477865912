/**
 * `rpk dev` as a process under load and through its HTTP faces, every bootstrap in its Lambda image inside
 * BuildKit (the container launcher, the default): 1,000 sequential requests to hello (p50/p99 printed, not
 * asserted: performance is benchmarked), 100 concurrent requests each answered once within the
 * --concurrency cap, a request arriving during a rebuild waits for it and reaches the new binary, curl on a
 * Function URL gets the status, headers, cookies and binary body the handler set, and a handler sees
 * ctx.Deadline() = now + --timeout.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { expectFunctionUrlFixtureAnswer } from "./support/function-url-fixture.js";
import { rpkEnv } from "./support/rpk-build.js";
import { type RunningRpkDev, startRpkDev } from "./support/rpk-dev.js";

const env = loadTestEnv();
const scratch = mkdtempSync(join(tmpdir(), "rpk-ds-"));
const helloTree = join(scratch, "hello");
const fixtureTree = join(scratch, "fixtures");
const CONCURRENCY = 4;
const TIMEOUT_SECONDS = 7;
let hello: RunningRpkDev;
let fixtures: RunningRpkDev;

async function invoke(dev: RunningRpkDev, name: string, event: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(`${dev.url}/2015-03-31/functions/${name}/invocations`, {
    method: "POST",
    body: JSON.stringify(event),
  });
  return { status: response.status, body: await response.text() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

beforeAll(async () => {
  cpSync(join(repoRoot, "examples", "hello"), helloTree, { recursive: true });
  cpSync(join(repoRoot, "test", "fixtures", "runtime"), fixtureTree, { recursive: true });
  const limits = ["--timeout", String(TIMEOUT_SECONDS), "--concurrency", String(CONCURRENCY)];
  [hello, fixtures] = await Promise.all([
    startRpkDev([helloTree, "--port", "0", ...limits], { env: rpkEnv(env) }),
    startRpkDev([fixtureTree, "--port", "0", ...limits], { env: rpkEnv(env) }),
  ]);
}, 1_200_000);

afterAll(async () => {
  await Promise.all([hello?.stop(), fixtures?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe("rpk dev under load (container launcher)", () => {
  it("1,000 sequential requests to hello: every one 200 with its own greeting", async () => {
    const latencies: number[] = [];
    const wrong: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const started = performance.now();
      const answer = await invoke(hello, "hello", { name: `n${i}` });
      latencies.push(performance.now() - started);
      if (answer.status !== 200 || answer.body !== JSON.stringify({ message: `Hello, n${i}!` })) {
        wrong.push(`${i}: ${answer.status} ${answer.body}`);
      }
    }
    expect(wrong).toEqual([]);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `rpk dev, 1,000 sequential invokes of hello: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  }, 600_000);

  it(`100 concurrent requests: each answered once with its own tag, at most ${CONCURRENCY} instances`, async () => {
    const linesBefore = fixtures.lineCount();
    const tags = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const answers = await Promise.all(tags.map((tag) => invoke(fixtures, "faults", { action: "sleep", ms: 50, tag })));
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const reports = answers.map((a) => JSON.parse(a.body) as { tag: string; logStream: string; overlap: boolean });
    expect(reports.map((r) => r.tag)).toEqual(tags);
    expect(reports.filter((r) => r.overlap)).toEqual([]);
    const instances = new Set(reports.map((r) => r.logStream));
    expect(instances.size).toBeGreaterThanOrEqual(1);
    expect(instances.size).toBeLessThanOrEqual(CONCURRENCY);
    // The server's own record: exactly 100 answered invokes, none failed or repeated.
    const loggedInvokes = () =>
      fixtures
        .stderr()
        .split("\n")
        .slice(linesBefore)
        .filter((line) => line.startsWith("faults invoke "));
    // The lines cross a pipe: give the last ones a moment to arrive.
    for (let waited = 0; loggedInvokes().length < 100 && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const logged = loggedInvokes();
    expect(logged).toHaveLength(100);
    expect(logged.every((line) => line.startsWith("faults invoke 200 "))).toBe(true);
    console.log(`rpk dev, 100 concurrent invokes: ${instances.size} instances (cap ${CONCURRENCY})`);
  }, 300_000);
});

describe("a request that arrives during a rebuild", () => {
  it("waits for the rebuild and is answered by the new binary", async () => {
    // Unique per run: the daemon's cache outlives a test run, and an edit it has built before is a cache hit.
    const mark = randomBytes(4).toString("hex");
    const source = join(helloTree, "main.go");
    const from = hello.lineCount();
    // Written beside and renamed over: the watcher sees one complete file, never a truncated one.
    writeFileSync(`${source}.edit`, readFileSync(source, "utf8").replace('"Hello, %s!"', `"Hello v${mark}, %s!"`));
    renameSync(`${source}.edit`, source);
    await hello.waitForLine((line) => line === "rpk: building hello", { from, timeoutMs: 60_000 });
    const sentAt = hello.lineCount();
    const answer = await invoke(hello, "hello", { name: "during" });
    // The server logs each answer after sending it: wait for that line, then read the order of events.
    await hello.waitForLine((line) => line.startsWith("hello invoke "), { from: sentAt, timeoutMs: 30_000 });
    const lines = hello.stderr().split("\n");
    const built = lines.findIndex((line, i) => i >= from && /^rpk: built hello in \d+ ms$/.test(line));
    const answered = lines.findIndex((line, i) => i >= sentAt && line.startsWith("hello invoke "));
    // The request went out before the rebuild ended, and was answered after it.
    expect(built, hello.stderr()).toBeGreaterThanOrEqual(sentAt);
    expect(answered, hello.stderr()).toBeGreaterThan(built);
    expect(lines[answered]).toMatch(/^hello invoke 200 /);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ message: `Hello v${mark}, during!` });
  }, 600_000);
});

describe("Function URLs and deadlines through rpk dev (container launcher)", () => {
  it("curl gets the status, headers, cookies and binary body the handler set", async () => {
    await expectFunctionUrlFixtureAnswer(fixtures.url);
    await fixtures.waitForLine((line) => /^url url 201 [\d.]+ ms \(billed \d+ ms\)$/.test(line), { timeoutMs: 10_000 });
  }, 120_000);

  it(`a handler's ctx.Deadline() is now + --timeout ${TIMEOUT_SECONDS} s`, async () => {
    const before = Date.now();
    const answer = await invoke(fixtures, "faults", { action: "echo" });
    const after = Date.now();
    expect(answer.status).toBe(200);
    const report = JSON.parse(answer.body) as { deadlineMs: number; nowMs: number; env: Record<string, string> };
    expect(report.deadlineMs).toBeGreaterThanOrEqual(before + TIMEOUT_SECONDS * 1000);
    expect(report.deadlineMs).toBeLessThanOrEqual(after + TIMEOUT_SECONDS * 1000);
    expect(report.deadlineMs - report.nowMs).toBeGreaterThan(TIMEOUT_SECONDS * 1000 - 2000);
    expect(report.deadlineMs - report.nowMs).toBeLessThanOrEqual(TIMEOUT_SECONDS * 1000);
    // In the Lambda image, not on this host.
    expect(report.env).toMatchObject({ LAMBDA_TASK_ROOT: "/var/task", AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" });
  }, 120_000);
});
