/**
 * `rpk dev` as a process: it serves the hello example (a single Lambda, also at `/`), prints one line per
 * request, and Ctrl-C exits 130 with every container it started gone (the daemon's runc list and ps). The
 * served copy of hello also holds a directory rpk leaves out with a warning: the warning is printed once
 * (rpk dev planned the tree twice at start, so every warning came twice).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTestEnv } from "../helpers/env.js";
import { cliPath, repoRoot } from "../helpers/run-cli.js";
import { rpkEnv } from "./support/rpk-build.js";
import { MARK_VARIABLE, markedContainers, markedProcesses, runcContainers } from "./support/rpk-dev.js";

const env = loadTestEnv();

describe("rpk dev (CLI)", () => {
  it("serves hello at / and on the Invoke API; Ctrl-C exits 130 and leaves no container", async () => {
    // Marks our instances (their environment): other test files run rpk containers at the same time.
    const mark = randomBytes(6).toString("hex");
    const scratch = mkdtempSync(join(tmpdir(), "rpk-dev-cli-"));
    const tree = join(scratch, "hello");
    cpSync(join(repoRoot, "examples", "hello"), tree, { recursive: true });
    mkdirSync(join(tree, "tools", "split"), { recursive: true });
    for (const file of ["a.go", "b.go"])
      writeFileSync(join(tree, "tools", "split", file), "package main\n\nfunc main() {}\n");
    const args = ["dev", tree, "--port", "0", "--env", `${MARK_VARIABLE}=${mark}`];
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, ...rpkEnv(env) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 600_000;
    let url: string | undefined;
    while (!url) {
      if (Date.now() > deadline) throw new Error(`rpk dev did not start:\n${stderr}`);
      url = /rpk: serving hello on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const invoked = await fetch(`${url}/2015-03-31/functions/hello/invocations`, {
      method: "POST",
      body: JSON.stringify({ name: "dev" }),
    });
    expect(await invoked.json()).toEqual({ message: "Hello, dev!" });
    const viaUrl = await fetch(`${url}/`, { method: "POST", body: JSON.stringify({ name: "url" }) });
    expect(viaUrl.status).toBe(200);
    expect(stderr).toMatch(/^hello invoke 200 [\d.]+ ms \(billed \d+ ms\)$/m);
    const running = markedContainers(mark);
    expect(running.length).toBeGreaterThanOrEqual(1);

    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("rpk: stopped: every function instance is gone");
    const listed = new Set(runcContainers().map((c) => c.id));
    expect(running.filter((id) => listed.has(id))).toEqual([]);
    expect(markedProcesses(mark)).toEqual([]);
    expect(stderr.match(/\.\/tools\/split declares func main in 2 files/g)).toHaveLength(1);
    rmSync(scratch, { recursive: true, force: true });
  }, 700_000);
});
