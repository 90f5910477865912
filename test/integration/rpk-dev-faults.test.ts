/**
 * `rpk dev` as a process, when things go wrong while it serves (the bootstraps run in their Lambda image
 * inside BuildKit, the default): the daemon killed under it (a private daemon: the shared one is never
 * killed) ends it with one line and exit 1, and the request in flight gets an answer instead of hanging;
 * Ctrl-C while a request is in flight exits 130 and leaves no container of ours in the daemon and no
 * rpk-relay or bootstrap process on the machine.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { type PrivateBuildkitd, startPrivateBuildkitd } from "./support/private-buildkitd.js";
import { rpkEnv } from "./support/rpk-build.js";
import {
  MARK_VARIABLE,
  markedContainers,
  markedProcesses,
  type RunningRpkDev,
  runcContainers,
  startRpkDev,
} from "./support/rpk-dev.js";

const scratch = mkdtempSync(join(tmpdir(), "rpk-df-"));
let env: TestEnv;
const running: RunningRpkDev[] = [];

/** A copy of test/fixtures/runtime: the `faults` Lambda (echo, sleep, crash on demand) and `url`. */
function fixtureTree(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(repoRoot, "test", "fixtures", "runtime"), dir, { recursive: true });
  return dir;
}

async function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<RunningRpkDev> {
  const dev = await startRpkDev([...args, "--port", "0"], { env: rpkEnv(env, extraEnv) });
  running.push(dev);
  return dev;
}

/** POSTs an event to faults on the Invoke API; a failed connection is an answer too (its error text). */
async function invokeFaults(url: string, event: unknown): Promise<{ status: number; body: string } | Error> {
  try {
    const response = await fetch(`${url}/2015-03-31/functions/faults/invocations`, {
      method: "POST",
      body: JSON.stringify(event),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Settles with `promise`'s value, or with "hang" when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "hang"> {
  return Promise.race([promise, new Promise<"hang">((resolve) => setTimeout(() => resolve("hang"), ms))]);
}

const rpkLines = (text: string) => text.split("\n").filter((line) => line.startsWith("rpk:"));

beforeAll(() => {
  env = loadTestEnv();
});

afterAll(async () => {
  await Promise.all(running.map((dev) => dev.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("the daemon killed while rpk dev serves", () => {
  let daemon: PrivateBuildkitd;

  beforeAll(async () => {
    daemon = await startPrivateBuildkitd(env, join(scratch, "daemon"));
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it("prints one line and exits 1; the request in flight is answered, the next one refused", async () => {
    const mark = randomBytes(6).toString("hex");
    const dev = await serve([
      fixtureTree("killed"),
      "--addr",
      daemon.unixAddress,
      "--timeout",
      "60",
      "--env",
      `${MARK_VARIABLE}=${mark}`,
    ]);
    const echo = await invokeFaults(dev.url, { action: "echo", tag: "before" });
    expect(echo, dev.stderr()).toMatchObject({ status: 200 });
    expect(JSON.parse((echo as { body: string }).body)).toMatchObject({ tag: "before" });
    // Its log line crosses a pipe: count lines from after it.
    await dev.waitForLine((line) => line.startsWith("faults invoke 200 "), { timeoutMs: 30_000 });

    const from = dev.lineCount();
    const inFlight = invokeFaults(dev.url, { action: "sleep", ms: 45_000, tag: "in-flight" });
    await dev.waitForLine((line) => line.includes("faults: action=sleep tag=in-flight"), { timeoutMs: 120_000 });
    const linesBeforeKill = rpkLines(dev.stderr()).length;
    await daemon.kill();

    const exit = await within(dev.exited, 60_000);
    expect(exit, dev.stderr()).not.toBe("hang");
    const { code, stderr } = exit as Exclude<typeof exit, "hang">;
    expect(code, stderr).toBe(1);
    const after = rpkLines(stderr).slice(linesBeforeKill);
    expect(after, stderr).toHaveLength(1);
    expect(after[0]).toMatch(
      /^rpk: the BuildKit daemon went away while serving \(.+\) — every function instance is gone; start the daemon again, then rerun rpk dev$/,
    );
    expect(stderr).not.toMatch(/^\s+at /m);

    // Well before its 45 s sleep or the 60 s timeout, the caller gets the runtime's answer naming the cause.
    const answer = await within(inFlight, 5_000);
    expect(answer, dev.stderr()).toMatchObject({ status: 200 });
    const payload = JSON.parse((answer as { body: string }).body) as { errorMessage: string; errorType: string };
    console.log(`in-flight request when the daemon died: ${JSON.stringify(payload)}; rpk dev: ${after[0]}`);
    // Its container's exec stream fails with the daemon (or, if the server stops first, shutting down says so).
    expect(payload.errorMessage).toMatch(
      /^RequestId: \S+ Error: (Runtime exited with error: the BuildKit daemon lost the container process \(.+\)|the local Lambda endpoint is shutting down)$/,
    );
    const served = stderr
      .split("\n")
      .slice(from)
      .filter((line) => line.startsWith("faults invoke "));
    expect(served).toEqual([expect.stringMatching(/^faults invoke 200 (Runtime\.ExitError|Runtime\.Unknown) /)]);
    // The port is closed: the next request is refused at once.
    const next = await within(invokeFaults(dev.url, { action: "echo", tag: "after" }), 10_000);
    expect(next).toBeInstanceOf(Error);
    // As the line says, no instance lives on: rpk-relay ends when its exec stream does, and the bootstrap with it.
    for (let waited = 0; markedProcesses(mark).length > 0 && waited < 10_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(markedProcesses(mark)).toEqual([]);
  }, 1_200_000);
});

describe("Ctrl-C of rpk dev with a request in flight", () => {
  it("exits 130; no container of ours is left in the daemon, no rpk-relay or bootstrap process", async () => {
    const mark = randomBytes(6).toString("hex");
    const dev = await serve([fixtureTree("interrupted"), "--timeout", "60", "--env", `${MARK_VARIABLE}=${mark}`]);
    const warm = await invokeFaults(dev.url, { action: "echo", tag: "warm" });
    expect(warm, dev.stderr()).toMatchObject({ status: 200 });

    const inFlight = invokeFaults(dev.url, { action: "sleep", ms: 45_000, tag: "in-flight" });
    await dev.waitForLine((line) => line.includes("faults: action=sleep tag=in-flight"), { timeoutMs: 120_000 });
    const containers = markedContainers(mark);
    const processes = markedProcesses(mark);
    // The instance holding the request runs in a container of ours: rpk-relay, and the bootstrap it started.
    expect(containers.length, JSON.stringify(runcContainers())).toBeGreaterThanOrEqual(1);
    expect(processes.some((p) => p.command.startsWith("/var/rpk/rpk-relay"))).toBe(true);
    expect(processes.some((p) => p.command.startsWith("/var/runtime/bootstrap"))).toBe(true);

    dev.child.kill("SIGINT");
    const exit = await within(dev.exited, 60_000);
    expect(exit, dev.stderr()).not.toBe("hang");
    const { code, stderr } = exit as Exclude<typeof exit, "hang">;
    expect(code, stderr).toBe(130);
    expect(rpkLines(stderr).at(-1)).toBe("rpk: stopped: every function instance is gone");
    expect(stderr).not.toMatch(/^\s+at /m);

    // The request in flight is answered before the port closes.
    const answer = await within(inFlight, 5_000);
    expect(answer, stderr).toMatchObject({ status: 200 });
    const payload = JSON.parse((answer as { body: string }).body) as { errorMessage: string; errorType: string };
    console.log(`in-flight request at Ctrl-C: ${JSON.stringify(payload)}`);
    expect(payload).toEqual({
      errorMessage: expect.stringMatching(
        /^RequestId: [0-9a-f-]{36} Error: the local Lambda endpoint is shutting down$/,
      ),
      errorType: "Runtime.Unknown",
    });
    const left = new Set(runcContainers().map((c) => c.id));
    expect(containers.filter((id) => left.has(id))).toEqual([]);
    expect(markedProcesses(mark)).toEqual([]);
  }, 1_200_000);
});
