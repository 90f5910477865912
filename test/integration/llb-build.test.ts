import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { EXAMPLES } from "../helpers/examples.js";
import { repoRoot } from "../helpers/run-cli.js";
import { readZip } from "../helpers/zip.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { buildctlBuild, expectedInvokes, rpkLlb, type Vertex } from "./support/rpk-llb.js";

/**
 * Issue 4's proof: every example built by `rpk llb | buildctl build` on the real daemon, zips checked byte by
 * byte, every bootstrap invoked under the Lambda emulator, reproducibility and per-target caching.
 */

const BUILD_TIMEOUT = 900_000;

let env: TestEnv;
const scratch = mkdtempSync(join(tmpdir(), "rpk-llb-it-"));
beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function buildExample(dir: string, out: string, extra: string[] = [], llbArgs: string[] = []) {
  const definition = rpkLlb(env, [dir, ...llbArgs]);
  return buildctlBuild(env, definition, ["--local", `context=${dir}`, "--output", `type=local,dest=${out}`, ...extra]);
}

interface Manifest {
  version: number;
  targets: {
    name: string;
    kind: string;
    file: string;
    sha256: string;
    sourceCodeHash: string;
    size: number;
    arch: string;
    runtime?: string;
  }[];
}

describe.each(EXAMPLES)("rpk llb | buildctl build: %s", (example) => {
  const dir = join(repoRoot, "examples", example);
  const out = join(scratch, `out-${example}`);

  beforeAll(async () => {
    await buildExample(dir, out);
  }, BUILD_TIMEOUT);

  it("writes one zip per Lambda with only bootstrap (0755, fixed time, no extras) and a manifest", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    const lambdas = manifest.targets.filter((t) => t.kind === "lambda");
    expect(lambdas.map((t) => t.name).sort()).toEqual(Object.keys(expectedInvokes(dir)).sort());
    for (const target of lambdas) {
      const bytes = readFileSync(join(out, target.file));
      const sha = createHash("sha256").update(bytes).digest();
      expect(target.sha256).toBe(sha.toString("hex"));
      expect(target.sourceCodeHash).toBe(sha.toString("base64"));
      expect(target.size).toBe(bytes.length);
      expect(target.arch).toBe("x86_64");
      expect(target.runtime).toBe("provided.al2023");
      const entries = readZip(bytes);
      expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
      const [entry] = entries;
      expect(entry!.unixMode).toBe(0o100755);
      expect(entry!.creatorOs).toBe(3);
      expect(entry!.extraLength).toBe(0);
      expect(entry!.flags & 0x8).toBe(0);
      expect([entry!.dosDate, entry!.dosTime]).toEqual([33, 0]);
      // A Linux ELF executable.
      expect(entry!.data.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    }
  });

  it("each bootstrap answers its invoke under the Lambda emulator", async () => {
    for (const [name, { event, response }] of Object.entries(expectedInvokes(dir))) {
      const { result } = await invokeZippedBootstrap({
        env,
        zip: join(out, `${name}.zip`),
        bootstrap: join(scratch, `${example}-${name}-bootstrap`),
        event,
      });
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual(response);
    }
  }, 120_000);
});

describe("commands next to Lambdas", () => {
  it("the monorepo's plain command is built as an executable and listed in the manifest", async () => {
    const out = join(scratch, "out-monorepo");
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    const binary = readFileSync(join(out, "migrate"));
    const sha = createHash("sha256").update(binary).digest();
    expect(manifest.targets.find((t) => t.name === "migrate")).toMatchObject({
      kind: "command",
      file: "migrate",
      sha256: sha.toString("hex"),
      sourceCodeHash: sha.toString("base64"),
      size: binary.length,
    });
    // The digest records the manifest was written from stay inside the build.
    // Each artifact with the SBOM and provenance the manifest names beside it (issue 16).
    const listed = manifest.targets.flatMap((t) => [t.file, `${t.name}.spdx.json`, `${t.name}.provenance.json`]);
    expect(readdirSync(out).sort()).toEqual([...listed, "manifest.json"].sort());
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync(join(out, "migrate"), ["--dry-run"], { encoding: "utf8" })).toBe("would migrate to 7\n");
  });
});

describe("reproducibility", () => {
  it("rpk llb gives byte-identical Definitions every run", () => {
    const dir = join(repoRoot, "examples", "monorepo");
    expect(rpkLlb(env, [dir]).equals(rpkLlb(env, [dir]))).toBe(true);
  });

  it(
    "the same example from another checkout path, rebuilt with --no-cache, gives byte-identical zips",
    async () => {
      const copy = join(scratch, "elsewhere", "hello-checkout");
      cpSync(join(repoRoot, "examples", "hello"), copy, { recursive: true });
      const again = join(scratch, "out-hello-again");
      await buildExample(copy, again, ["--no-cache"]);
      for (const file of ["hello.zip", "manifest.json"]) {
        expect(readFileSync(join(again, file)).equals(readFileSync(join(scratch, "out-hello", file)))).toBe(true);
      }
    },
    BUILD_TIMEOUT,
  );
});

describe("caching", () => {
  // One retry: the daemon is shared with every other test file; a second, fresh edit must show the same thing.
  it("editing one Lambda's .go file re-runs only that target's compile", {
    retry: 1,
    timeout: BUILD_TIMEOUT,
  }, async () => {
    const copy = join(scratch, "monorepo-edit");
    cpSync(join(repoRoot, "examples", "monorepo"), copy, { recursive: true });
    // A go.mod of this run's own makes every step's digest this run's own: another test file building the
    // monorepo example with --no-cache at the same moment shares no vertex with this one (BuildKit merges
    // identical vertexes of concurrent solves, and a no-cache solve then re-runs them for both).
    const goMod = join(copy, "go.mod");
    writeFileSync(goMod, `${readFileSync(goMod, "utf8")}\n// caching test run ${randomBytes(4).toString("hex")}\n`);
    await buildExample(copy, join(scratch, "edit-1"));
    const worker = join(copy, "cmd/worker/main.go");
    // Unique per run: the daemon's cache outlives a test run, and an edit it has built before is a cache hit.
    const edit = `edited-${randomBytes(4).toString("hex")}`;
    writeFileSync(worker, `${readFileSync(worker, "utf8")}\n// an edit that changes the binary\nvar _ = "${edit}"\n`);
    const vertexes = await buildExample(copy, join(scratch, "edit-2"));
    const byName = (prefix: string): Vertex => {
      const found = vertexes.find((v) => v.name.startsWith(prefix));
      if (!found) throw new Error(`no vertex named ${prefix}…; saw ${vertexes.map((v) => v.name).join(" | ")}`);
      return found;
    };
    expect(byName("[modules] go mod download").cached).toBe(true);
    // The packages the Lambdas share are compiled once; a change in a Lambda's own package leaves them be.
    expect(byName("[shared] go build").cached).toBe(true);
    expect(byName("[api] go build").cached).toBe(true);
    expect(byName("[thumbnail] go build").cached).toBe(true);
    expect(byName("[migrate] go build").cached).toBe(true);
    expect(byName("[worker] go build").cached).toBeFalsy();
    // The worker's zip changed, the others did not.
    const manifests = ["edit-1", "edit-2"].map(
      (d) => JSON.parse(readFileSync(join(scratch, d, "manifest.json"), "utf8")) as Manifest,
    );
    const hash = (m: Manifest, name: string) => m.targets.find((t) => t.name === name)!.sha256;
    expect(hash(manifests[1]!, "worker")).not.toBe(hash(manifests[0]!, "worker"));
    expect(hash(manifests[1]!, "api")).toBe(hash(manifests[0]!, "api"));
  });
});
