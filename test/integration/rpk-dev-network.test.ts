/**
 * The function containers' network: the fixture `fetch` GETs a tiny HTTP server this test starts on the
 * host's 127.0.0.1. The test daemon runs with networkMode host, so `--network sandbox` (the daemon's default
 * network) puts every instance on the host's loopback: the function gets 200, and 20 concurrent requests
 * are each answered, every instance's rpk-relay on a port of its own (no 127.0.0.1:9001 collision). With
 * the default `none` the same call fails, and rpk prints the hint line exactly once for the function; the
 * same holds for `rpk invoke`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkHintLine } from "../../src/dev/network-hint.js";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { rpkEnv } from "./support/rpk-build.js";
import { type RunningRpkDev, startRpkDev } from "./support/rpk-dev.js";
import { rpkInvoke } from "./support/rpk-invoke.js";

const env = loadTestEnv();
const scratch = mkdtempSync(join(tmpdir(), "rpk-dn-"));
const CONCURRENT = 20;
const HINT = networkHintLine("fetch");
let server: Server;
let target: string;
let inFlight = 0;
let mostInFlight = 0;
let sandbox: RunningRpkDev;
let none: RunningRpkDev;

interface FetchAnswer {
  status: number;
  body: string;
  runtimeApi: string;
}

async function invoke(
  dev: RunningRpkDev,
  tag: string,
): Promise<{ status: number; error: string | null; body: string }> {
  const response = await fetch(`${dev.url}/2015-03-31/functions/fetch/invocations`, {
    method: "POST",
    body: JSON.stringify({ url: `${target}/${tag}` }),
  });
  return { status: response.status, error: response.headers.get("x-amz-function-error"), body: await response.text() };
}

function treeCopy(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(repoRoot, "test", "fixtures", "runtime"), dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  // Each answer is held a moment, so that concurrent invocations overlap in several instances.
  server = createServer((req, res) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(200, { "content-type": "text/plain" }).end(`host saw ${req.url}`);
    }, 300);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const common = ["--target", "fetch", "--port", "0", "--timeout", "10"];
  [sandbox, none] = await Promise.all([
    startRpkDev([treeCopy("sandbox"), ...common, "--network", "sandbox", "--concurrency", String(CONCURRENT)], {
      env: rpkEnv(env),
    }),
    startRpkDev([treeCopy("none"), ...common], { env: rpkEnv(env) }),
  ]);
}, 1_200_000);

afterAll(async () => {
  await Promise.all([sandbox?.stop(), none?.stop()]);
  await new Promise((resolve) => server?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe("rpk dev --network", () => {
  it(`sandbox: the function reaches the host's 127.0.0.1; ${CONCURRENT} concurrent requests each answered, one relay port per instance`, async () => {
    const tags = Array.from({ length: CONCURRENT }, (_, i) => `r${i}`);
    const answers = await Promise.all(tags.map((tag) => invoke(sandbox, tag)));
    expect(answers.filter((a) => a.status !== 200 || a.error !== null).map((a) => a.body)).toEqual([]);
    const parsed = answers.map((a) => JSON.parse(a.body) as FetchAnswer);
    expect(parsed.map((p) => p.status)).toEqual(tags.map(() => 200));
    expect(parsed.map((p) => p.body)).toEqual(tags.map((tag) => `host saw /${tag}`));
    // Instances overlapped, and each was told the port its own relay bound (never Lambda's fixed 9001).
    const apis = new Set(parsed.map((p) => p.runtimeApi));
    for (const api of apis) expect(api).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(apis.has("127.0.0.1:9001")).toBe(false);
    expect(apis.size).toBeGreaterThan(1);
    expect(mostInFlight).toBeGreaterThan(1);
    console.log(`--network sandbox: ${CONCURRENT} answers from ${apis.size} instances, ${mostInFlight} at once`);
    expect(sandbox.stderr()).not.toContain(HINT);
  }, 300_000);

  it("none (the default): the call fails and the hint line appears exactly once", async () => {
    const from = none.lineCount();
    const answers = [await invoke(none, "a"), await invoke(none, "b"), await invoke(none, "c")];
    for (const answer of answers) {
      expect(answer.error).toBe("Unhandled");
      expect(answer.body).toMatch(/connection refused|network is unreachable/);
    }
    // Each request's line is printed before its answer is complete; the hint right after the first.
    await none.waitForLine((line) => line === HINT, { from, timeoutMs: 10_000 });
    const failedLines = () =>
      none
        .stderr()
        .split("\n")
        .filter((line) => /^fetch invoke 200 \S+ /.test(line));
    const deadline = Date.now() + 10_000;
    while (failedLines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(failedLines()).toHaveLength(3);
    expect(
      none
        .stderr()
        .split("\n")
        .filter((line) => line === HINT),
    ).toHaveLength(1);
  }, 300_000);
});

describe("rpk invoke --network", () => {
  it("sandbox answers 200 from the host's server; the default fails with the hint line once", async () => {
    const dir = join(scratch, "sandbox");
    const event = JSON.stringify({ url: `${target}/invoke` });
    const ok = await rpkInvoke(env, [dir, "fetch", "--network", "sandbox", "--event", "-"], event);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 200, body: "host saw /invoke" });
    expect(ok.stderr).not.toContain(HINT);
    const failed = await rpkInvoke(env, [dir, "fetch", "--event", "-"], event);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/connection refused|network is unreachable/);
    expect(failed.stderr.split("\n").filter((line) => line === HINT)).toHaveLength(1);
  }, 600_000);
});
