import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { copyExample } from "./support/go-projects.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { vertexNamed } from "./support/progress.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { expectedInvokes } from "./support/rpk-llb.js";

/**
 * A vendored module builds from vendor/ alone: the monorepo example after `go mod vendor`, built with
 * GOPROXY=off so no step can fetch a module. The shared-packages step and every compile must see vendor/
 * in their source slices; the bootstraps must answer their invokes.
 */

const BUILD_TIMEOUT = 900_000;
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-vendor-it-"));
let env: TestEnv;
let src: string;
let build: RpkBuildResult;

beforeAll(async () => {
  env = loadTestEnv();
  src = copyExample("monorepo", join(scratch, "src"));
  execFileSync("go", ["mod", "vendor"], { cwd: src, env: { ...process.env, ...env.go.env }, stdio: "ignore" });
  build = await rpkBuildOk([src, "-o", join(scratch, "out"), "--progress", "rawjson"], {
    env: rpkEnv(env, { GOPROXY: "off" }),
  });
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("builds with GOPROXY=off: no module download step, the shared packages compiled from vendor/", () => {
  expect(build.progress.vertexes.some((v) => v.name.startsWith("[modules] go mod download"))).toBe(false);
  const shared = vertexNamed(build.progress, "[shared] go build");
  expect(shared.error).toBeUndefined();
  expect(shared.completed).toBeDefined();
});

it("each bootstrap answers its invoke under the Lambda emulator", async () => {
  const invokes = Object.entries(expectedInvokes(src));
  expect(invokes.length).toBeGreaterThan(0);
  for (const [name, { event, response }] of invokes) {
    const { entries, result } = await invokeZippedBootstrap({
      env,
      zip: join(scratch, "out", `${name}.zip`),
      bootstrap: join(scratch, `${name}-bootstrap`),
      event,
    });
    expect(entries.map((e) => [e.name, e.unixMode])).toEqual([["bootstrap", 0o100755]]);
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual(response);
  }
}, 120_000);
