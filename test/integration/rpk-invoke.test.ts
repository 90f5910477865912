/**
 * `rpk invoke` as a user runs it: every example's Lambdas, built through the build function and run in
 * their Lambda base images inside BuildKit (the default), give their recorded responses; the host fast
 * path gives the same; a function error is `errorType: errorMessage` and exit 1.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { rpkInvoke as invoke } from "./support/rpk-invoke.js";

const env = loadTestEnv();

interface Expected {
  event: unknown;
  response: unknown;
}

function rpkInvoke(args: string[], input?: string) {
  return invoke(env, args, input);
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
          // The stand-in provided image is busybox-static, with no C library: rpk says so before starting the
          // bootstrap (the real image has glibc; rpk-invoke-cgo-glibc.test.ts runs it in one that has).
          expect(run.code).toBe(1);
          expect(run.stderr).toMatch(
            /^rpk: target "cgo" is dynamically linked \(cgo\) and the image it runs in, .* has no C library/m,
          );
          continue;
        }
        expect(run.code, `${example}/${target}: ${run.stderr}`).toBe(0);
        expect(JSON.parse(run.stdout), `${example}/${target}`).toEqual(response);
        console.log(`rpk invoke ${example} ${target}: ${(performance.now() - started).toFixed(0)} ms`);
      }
    }
  }, 900_000);

  it("--host runs the static bootstrap on this machine (building/built lines on stderr); a function error is errorType: errorMessage, exit 1", async () => {
    const dir = join(repoRoot, "examples", "monorepo");
    const ok = await rpkInvoke([dir, "thumbnail", "--host", "--event", "-"], '{"width":800,"height":600}');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ width: 200, height: 150 });
    // A first build can take minutes: stderr says what rpk is doing, and how long the build took.
    expect(ok.stderr).toMatch(/^rpk: building thumbnail\nrpk: built thumbnail in \d+ ms$/m);
    const failed = await rpkInvoke([dir, "thumbnail", "--event", "-"], '{"width":"wide"}');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^rpk: UnmarshalTypeError: json: cannot unmarshal string into Go .*width/m);
    const unknown = await rpkInvoke([dir, "migrate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('rpk: "migrate" is not a Lambda target of this tree');
  }, 300_000);
});
