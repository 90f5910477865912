import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { writeModuleCollection } from "../helpers/layouts.js";
import { tempDir } from "../unit/support/temp-dir.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * NEW-A end to end: a root with two independent modules below it (same module path, no root go.mod or
 * go.work) builds with one `rpk build`, each module downloading and compiling in its own directory, and
 * each bootstrap answers with its own module's package.
 */

const BUILD_TIMEOUT = 900_000;

interface Manifest {
  targets: { name: string; kind: string; file: string }[];
}

describe("rpk build: modules below a root without go.mod", () => {
  let env: TestEnv;
  const scratch = tempDir("rpk-build-layouts-");
  const repo = writeModuleCollection(join(scratch, "repo"));
  const out = join(scratch, "out");
  let build: RpkBuildResult;

  beforeAll(async () => {
    env = loadTestEnv();
    build = await rpkBuildOk([repo, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
  }, BUILD_TIMEOUT);

  it("downloads per module and writes one zip per module's Lambda", () => {
    expect(build.stderr).toMatch(/\[modules\] go mod download in \.\/svc-a/);
    expect(build.stderr).toMatch(/\[modules\] go mod download in \.\/services\/svc-b/);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.targets.map((t) => [t.name, t.kind, t.file])).toEqual([
      ["services-svc-b", "lambda", "services-svc-b.zip"],
      ["svc-a", "lambda", "svc-a.zip"],
    ]);
  });

  it("each bootstrap answers with its own module's greet package", async () => {
    for (const [name, message] of [
      ["svc-a", "from a"],
      ["services-svc-b", "from b"],
    ] as const) {
      const { entries, result } = await invokeZippedBootstrap({
        env,
        zip: join(out, `${name}.zip`),
        bootstrap: join(scratch, `${name}-bootstrap`),
        event: {},
      });
      expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual({ message });
    }
  }, 120_000);
});
