import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot, runRpk } from "../helpers/run-cli.js";
import { tempDir } from "../unit/support/temp-dir.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * Issue 12 end to end: a `go 1.21.13` Lambda builds in golang:1.21.13-bookworm (the stand-in of
 * test/env/lib/golang-old-images.sh), not in rpk's own Go, and its bootstrap reports that Go under the
 * emulator. Plans older than Go 1.18 (no -buildvcs, rpk-zip from rpk's tool image) cannot be built here — no
 * such toolchain is on the module proxy — and are covered by test/unit/convert/old-go.test.ts.
 */

const BUILD_TIMEOUT = 900_000;

describe("rpk build: a repository on an older Go than the test machine's", () => {
  let env: TestEnv;
  const scratch = tempDir("rpk-build-older-go-");
  const repo = join(scratch, "repo");
  const out = join(scratch, "out");
  let build: RpkBuildResult;

  beforeAll(async () => {
    env = loadTestEnv();
    cpSync(join(repoRoot, "test", "fixtures", "go121-lambda"), repo, { recursive: true });
    build = await rpkBuildOk([repo, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
  }, BUILD_TIMEOUT);

  it("plans and compiles in the golang image of go.mod's version", () => {
    const planned = runRpk(["plan", repo]);
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout) as { go: object; targets: { build: { flags: string[] } }[] };
    expect(plan.targets[0]!.build.flags).toEqual(["-trimpath", "-buildvcs=false"]);
    expect(plan.go).toMatchObject({ version: "1.21.13", image: "docker.io/library/golang:1.21.13-bookworm" });
    expect(build.stderr).toMatch(/\[go121\] go build \. \(linux\/amd64\)/);
  });

  it("the bootstrap was compiled by Go 1.21.13 and answers under the emulator", async () => {
    const { entries, result } = await invokeZippedBootstrap({
      env,
      zip: join(out, "go121.zip"),
      bootstrap: join(scratch, "go121-bootstrap"),
      event: {},
    });
    expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual({ go: "go1.21.13" });
  }, 120_000);
});

describe("rpk build: a go 1.17 module with --go-image naming a newer golang image", () => {
  // serverless-go-demo (go 1.17) with --go-image golang:1.26.8-bookworm pulled golang:1.27.4 just for rpk-zip,
  // and failed where only the named image is reachable. The named image's tag says Go 1.26.8: rpk-zip is
  // compiled there, and the whole build needs no other golang image (the test registry has none newer).
  it(
    "builds the zip with rpk-zip from that image, and the bootstrap answers with its Go",
    async () => {
      const env = loadTestEnv();
      const scratch = tempDir("rpk-build-go117-override-");
      const repo = join(scratch, "repo");
      cpSync(join(repoRoot, "test", "fixtures", "go121-lambda"), repo, { recursive: true });
      rmSync(join(repo, ".go-version"), { force: true });
      writeFileSync(join(repo, "go.mod"), readFileSync(join(repo, "go.mod"), "utf8").replace(/^go .*$/m, "go 1.17"));
      // Go 1.17 has no `any`; the language version is go.mod's.
      writeFileSync(
        join(repo, "main.go"),
        readFileSync(join(repo, "main.go"), "utf8").replace(/\bany\b/g, "interface{}"),
      );
      const image = env.images.golang.ref;
      expect(image).toMatch(/golang:1\.(1[89]|[2-9]\d)/);
      const out = join(scratch, "out");
      const build = await rpkBuildOk([repo, "-o", out, "--progress", "plain", "--go-image", image], {
        env: rpkEnv(env),
      });
      expect(build.stderr).toContain(`[output] build rpk-zip`);
      expect(build.stderr).not.toMatch(/golang:1\.27/);
      const { result } = await invokeZippedBootstrap({
        env,
        zip: join(out, "go121.zip"),
        bootstrap: join(scratch, "go121-bootstrap"),
        event: {},
      });
      expect(result.body).toEqual({ go: `go${env.go.version}` });
    },
    BUILD_TIMEOUT,
  );
});
