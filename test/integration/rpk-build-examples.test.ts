import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { EXAMPLES } from "../helpers/examples.js";
import { repoRoot } from "../helpers/run-cli.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { buildctlBuild, expectedInvokes, rpkLlb } from "./support/rpk-llb.js";

/**
 * Issue 5's first proof: `rpk build` (session + client-side build function over LLBBridge) produces the
 * same bytes as `rpk llb | buildctl build` for every example, and every bootstrap it wrote answers its
 * invoke under the Lambda emulator.
 */

const BUILD_TIMEOUT = 900_000;

let env: TestEnv;
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-it-"));
beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Manifest {
  targets: { name: string; kind: string; file: string; sha256: string; size: number }[];
}

describe.each(EXAMPLES)("rpk build: %s", (example) => {
  const dir = join(repoRoot, "examples", example);
  const viaRpk = join(scratch, `rpk-${example}`);
  const viaBuildctl = join(scratch, `buildctl-${example}`);
  let build: RpkBuildResult;

  beforeAll(async () => {
    build = await rpkBuildOk([dir, "-o", viaRpk, "--progress", "plain"], { env: rpkEnv(env) });
    await buildctlBuild(env, rpkLlb(env, [dir]), [
      "--local",
      `context=${dir}`,
      "--output",
      `type=local,dest=${viaBuildctl}`,
    ]);
  }, BUILD_TIMEOUT);

  it("writes the same files, byte for byte, as rpk llb | buildctl build", () => {
    const files = readdirSync(viaRpk).sort();
    expect(files).toEqual(readdirSync(viaBuildctl).sort());
    expect(files).toContain("manifest.json");
    for (const file of files) {
      const ours = readFileSync(join(viaRpk, file));
      expect(ours.equals(readFileSync(join(viaBuildctl, file))), `${file} differs`).toBe(true);
    }
    // Staging happened next to the destination and nothing of it is left.
    expect(readdirSync(scratch).filter((name) => name.includes(".rpk-"))).toEqual([]);
  });

  it("prints one summary line per artifact on stdout, with the manifest's digest", () => {
    const manifest = JSON.parse(readFileSync(join(viaRpk, "manifest.json"), "utf8")) as Manifest;
    const lines = build.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(manifest.targets.length);
    for (const target of manifest.targets) {
      const line = lines.find((l) => l.startsWith(`${target.name} `));
      expect(line, `no summary line for ${target.name} in:\n${build.stdout}`).toBeDefined();
      expect(line).toContain(join(viaRpk, target.file));
      expect(line).toContain(`sha256:${target.sha256.slice(0, 12)}`);
    }
    // Progress goes to stderr, never stdout.
    expect(build.stdout).not.toMatch(/^#\d+ /m);
    expect(build.stderr).toMatch(/^#\d+ .*go build/m);
  });

  it("each bootstrap answers its invoke under the Lambda emulator", async () => {
    const invokes = Object.entries(expectedInvokes(dir));
    expect(invokes.length).toBeGreaterThan(0);
    for (const [name, { event, response }] of invokes) {
      const { entries, result } = await invokeZippedBootstrap({
        env,
        zip: join(viaRpk, `${name}.zip`),
        bootstrap: join(scratch, `${example}-${name}-bootstrap`),
        event,
      });
      expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual(response);
    }
  }, 120_000);
});
