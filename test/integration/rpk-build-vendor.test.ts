import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { invokeBootstrap } from "../helpers/lambda.js";
import { copyExample } from "./support/go-projects.js";
import { vertexNamed } from "./support/progress.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { expectedInvokes } from "./support/rpk-llb.js";
import { readZip } from "./support/zip.js";

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
    const entries = readZip(readFileSync(join(scratch, "out", `${name}.zip`)));
    expect(entries.map((e) => [e.name, e.unixMode])).toEqual([["bootstrap", 0o100755]]);
    const bootstrap = join(scratch, `${name}-bootstrap`);
    writeFileSync(bootstrap, entries[0]!.data);
    chmodSync(bootstrap, 0o755);
    const result = await invokeBootstrap({ env, bootstrap, event });
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual(response);
  }
}, 120_000);
