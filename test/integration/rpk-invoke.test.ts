/**
 * `rpk invoke` as a user runs it: every example's Lambdas, built through the build function and run in
 * their Lambda base images inside BuildKit (the default), give their recorded responses; the host fast
 * path gives the same; a function error is `errorType: errorMessage` and exit 1.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadTestEnv } from "../helpers/env.js";
import { cliPath, repoRoot } from "../helpers/run-cli.js";
import { rpkEnv } from "./support/rpk-build.js";

const env = loadTestEnv();
const execFileAsync = promisify(execFile);

interface Expected {
  event: unknown;
  response: unknown;
}

async function rpkInvoke(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = execFileAsync(process.execPath, [cliPath, "invoke", ...args], {
    env: { ...process.env, ...rpkEnv(env) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  } else child.child.stdin!.end();
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const examples = readdirSync(join(repoRoot, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .filter((name) => {
    try {
      readFileSync(join(repoRoot, "examples", name, "expected-invoke.json"));
      return true;
    } catch {
      return false;
    }
  });

describe("rpk invoke", () => {
  it("every example's Lambdas answer their recorded responses in their Lambda base images", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) {
      const dir = join(repoRoot, "examples", example);
      const expected = JSON.parse(readFileSync(join(dir, "expected-invoke.json"), "utf8")) as Record<string, Expected>;
      for (const [target, { event, response }] of Object.entries(expected)) {
        const started = performance.now();
        const run = await rpkInvoke([dir, target, "--event", "-"], JSON.stringify(event));
        if (example === "cgo") {
          // The stand-in provided image is busybox-static, with no C library: a cgo bootstrap cannot start
          // there (the real image has glibc; its ELF needs are checked in rpk-build-cgo-al.test.ts).
          expect(run.code).toBe(1);
          expect(run.stderr).toMatch(/^rpk: Runtime\.ExitError: .*fork\/exec \/var\/runtime\/bootstrap/m);
          continue;
        }
        expect(run.code, `${example}/${target}: ${run.stderr}`).toBe(0);
        expect(JSON.parse(run.stdout), `${example}/${target}`).toEqual(response);
        console.log(`rpk invoke ${example} ${target}: ${(performance.now() - started).toFixed(0)} ms`);
      }
    }
  }, 900_000);

  it("--host runs the static bootstrap on this machine; a function error is errorType: errorMessage, exit 1", async () => {
    const dir = join(repoRoot, "examples", "monorepo");
    const ok = await rpkInvoke([dir, "thumbnail", "--host", "--event", "-"], '{"width":800,"height":600}');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ width: 200, height: 150 });
    const failed = await rpkInvoke([dir, "thumbnail", "--event", "-"], '{"width":"wide"}');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^rpk: UnmarshalTypeError: json: cannot unmarshal string into Go .*width/m);
    const unknown = await rpkInvoke([dir, "migrate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('rpk: "migrate" is not a Lambda target of this tree');
  }, 300_000);
});
