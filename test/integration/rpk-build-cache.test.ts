import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runBuildctl } from "../helpers/buildctl.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { copyExample } from "./support/go-projects.js";
import { registryManifest } from "./support/oci.js";
import { vertexNamed } from "./support/progress.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * Registry cache through `rpk build`: export with --cache-to (mode=max), prune the daemon completely, and
 * the rebuild with --cache-from takes every step — module download, compile, zip — from the registry.
 * The builds carry a marker in -ldflags, so no earlier run's cache can stand in, and the daemon's disk
 * usage shows the marker's records gone after the prune. Also --no-cache: every step re-runs and the zip
 * is byte-identical. (Prunes the shared daemon once: later tests rebuild from cold.)
 */

const BUILD_TIMEOUT = 900_000;
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-cache-it-"));
const marker = `rpkCacheMarker${run}`;
let env: TestEnv;
let cacheRef: string;
let exported: RpkBuildResult;
let imported: RpkBuildResult;
let uncached: RpkBuildResult;
const records = { beforePrune: "", afterPrune: "" };

/** `buildctl du --verbose`: every cache record with the command line it came from. */
async function diskUsage(): Promise<string> {
  return (await runBuildctl(env, ["du", "--verbose"])).stdout;
}

beforeAll(async () => {
  env = loadTestEnv();
  cacheRef = `${env.registry.address}/rpk-it/cache:${run}`;
  const src = copyExample("hello", join(scratch, "src"));
  // -X on a variable that does not exist changes the step's command line (so its cache key), not the binary.
  const common = [src, `--ldflags=-X main.${marker}=1`, "--progress", "rawjson"];
  exported = await rpkBuildOk(
    [...common, "-o", join(scratch, "out-1"), "--cache-to", `type=registry,ref=${cacheRef},mode=max`],
    {
      env: rpkEnv(env),
    },
  );
  // Before the prune, while the Go build cache mount is warm: only BuildKit's step cache is bypassed.
  uncached = await rpkBuildOk([...common, "-o", join(scratch, "out-3"), "--no-cache"], { env: rpkEnv(env) });
  records.beforePrune = await diskUsage();
  await runBuildctl(env, ["prune", "--all"]);
  records.afterPrune = await diskUsage();
  imported = await rpkBuildOk(
    [...common, "-o", join(scratch, "out-2"), "--cache-from", `type=registry,ref=${cacheRef}`],
    {
      env: rpkEnv(env),
    },
  );
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("the first build compiles for real and exports its cache to the registry", async () => {
  expect(vertexNamed(exported.progress, "[hello] go build").cached).toBeFalsy();
  const exportStep = exported.progress.vertexes.find((v) => /export(ing)? cache/i.test(v.name));
  expect(exportStep, exported.progress.vertexes.map((v) => v.name).join(" | ")).toBeDefined();
  expect(exportStep!.error).toBeUndefined();
  expect(exportStep!.completed).toBeDefined();
  const manifest = await registryManifest(cacheRef);
  expect(manifest.json.schemaVersion).toBe(2);
});

it("the prune removed this build's records from the daemon", () => {
  expect(records.beforePrune).toContain(marker);
  expect(records.afterPrune).not.toContain(marker);
});

it("the rebuild after the prune takes download, compile-and-zip and the zip tool from the registry cache", () => {
  for (const step of ["[modules] go mod download", "[hello] go build", "[output] build rpk-zip"]) {
    expect(vertexNamed(imported.progress, step).cached, `${step} should be CACHED`).toBe(true);
  }
  expect(imported.progress.vertexes.some((v) => v.name.includes(`importing cache manifest from ${cacheRef}`))).toBe(
    true,
  );
});

it("and writes the same zip and manifest as the build that exported the cache", () => {
  for (const file of ["hello.zip", "manifest.json"]) {
    expect(readFileSync(join(scratch, "out-2", file)).equals(readFileSync(join(scratch, "out-1", file)))).toBe(true);
  }
});

it("--no-cache re-runs the steps the daemon has cached, and the zip comes out byte-identical", () => {
  for (const step of ["[modules] go mod download", "[hello] go build", "[output] build rpk-zip"]) {
    const vertex = vertexNamed(uncached.progress, step);
    expect(vertex.cached, `${step} should run again`).toBeFalsy();
    expect(vertex.completed).toBeDefined();
  }
  for (const file of ["hello.zip", "manifest.json"]) {
    expect(readFileSync(join(scratch, "out-3", file)).equals(readFileSync(join(scratch, "out-1", file)))).toBe(true);
  }
});
