import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuildctl } from "../helpers/buildctl.js";
import { goProxyBuildArgs, loadTestEnv, type TestEnv } from "../helpers/env.js";
import { EXAMPLES } from "../helpers/examples.js";
import { spdx23Schema, validate } from "../helpers/json-schema.js";
import { repoRoot, runRpkOk } from "../helpers/run-cli.js";
import { comparableView, goVersionM, sbomView } from "../helpers/sbom.js";
import { readTree } from "../helpers/tree.js";
import { readZip } from "../helpers/zip.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";

/**
 * Issue 16, part 2: every artifact's SPDX SBOM and SLSA provenance, made inside BuildKit, on the real daemon.
 * The SBOM's modules are what the host's `go version -m` reads from the built binary; the zips are
 * byte-identical to those of rpk as it was before records (the merge base with main, built here from git);
 * a rebuild gives the same bytes; --sbom=false/--provenance=false give none; the frontend gives the same.
 */

const BUILD_TIMEOUT = 1_200_000;
let env: TestEnv;
let frontendImage: string;
let mainCli: string;
const scratch = mkdtempSync(join(tmpdir(), "rpk-records-it-"));
const runId = randomBytes(4).toString("hex");

/** rpk at the merge base with main, compiled from `git archive` with this tree's node_modules. */
function buildMainRpk(): string {
  const base = execFileSync("git", ["merge-base", "HEAD", "main"], { cwd: repoRoot, encoding: "utf8" }).trim();
  const dir = join(scratch, "main-rpk");
  mkdirSync(dir);
  const archive = execFileSync("git", ["archive", base], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: dir,
  });
  execFileSync(process.execPath, ["scripts/copy-assets.mjs"], { cwd: dir });
  return join(dir, "dist/src/cli/main.js");
}

function buildEnv(): Record<string, string> {
  return { ...env.go.env, BUILDKIT_HOST: env.buildkit.host };
}

function rpk(args: string[]): string {
  return runRpkOk(args, { env: buildEnv() });
}

function rpkBuild(example: string, out: string, extra: string[] = []): Map<string, Buffer> {
  rpk(["build", join(repoRoot, "examples", example), "-o", out, "--progress", "quiet", ...extra]);
  return readTree(out);
}

interface ManifestTarget {
  name: string;
  kind: string;
  file: string;
  sha256: string;
  sbom?: string;
  provenance?: string;
}

function manifestOf(tree: Map<string, Buffer>): { targets: ManifestTarget[] } {
  return JSON.parse(tree.get("manifest.json")!.toString("utf8"));
}

/** The Go binary of an artifact: a Lambda zip's bootstrap, or a command's binary as it is. */
function binaryOf(tree: Map<string, Buffer>, target: ManifestTarget): Buffer {
  const bytes = tree.get(target.file)!;
  return target.kind === "lambda" ? readZip(bytes).find((e) => e.name === "bootstrap")!.data : bytes;
}

beforeAll(async () => {
  env = loadTestEnv();
  mainCli = buildMainRpk();
  frontendImage = await pushTestFrontendImage(env, `records-${runId}`);
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(EXAMPLES)("records of %s", (example) => {
  it(
    "SBOM = go version -m of each binary, schema-valid; provenance names the zip; zips as before records",
    () => {
      const tree = rpkBuild(example, join(scratch, `rpk-${example}`));
      const targets = manifestOf(tree).targets;
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(target.sbom).toBe(`${target.name}.spdx.json`);
        expect(target.provenance).toBe(`${target.name}.provenance.json`);
        const sbom = JSON.parse(tree.get(target.sbom!)!.toString("utf8"));
        expect(validate(spdx23Schema(), sbom), `${target.sbom} against the SPDX 2.3 schema`).toEqual([]);
        const binaryFile = join(scratch, `${example}-${target.name}.bin`);
        writeFileSync(binaryFile, binaryOf(tree, target));
        const fromBinary = comparableView(goVersionM(binaryFile));
        expect(fromBinary.main.path).not.toBe("");
        expect(sbomView(sbom), `${target.sbom} vs go version -m`).toEqual(fromBinary);
        const statement = JSON.parse(tree.get(target.provenance!)!.toString("utf8"));
        expect(statement.subject).toEqual([{ name: target.file, digest: { sha256: target.sha256 } }]);
        expect(statement.predicate.buildDefinition.externalParameters.target).toBe(target.name);
      }

      // rpk before records, same daemon, same example: the same zips and binaries, byte for byte.
      const mainOut = join(scratch, `main-${example}`);
      execFileSync(
        process.execPath,
        [mainCli, "build", join(repoRoot, "examples", example), "-o", mainOut, "--progress", "quiet"],
        {
          env: { ...process.env, ...buildEnv() },
          stdio: "pipe",
        },
      );
      const before = readTree(mainOut);
      const mainTargets = manifestOf(before).targets;
      expect(mainTargets.map((t) => t.file).sort()).toEqual(targets.map((t) => t.file).sort());
      for (const target of mainTargets) {
        expect(tree.get(target.file)?.equals(before.get(target.file)!), `${target.file} changed`).toBe(true);
        expect(targets.find((t) => t.name === target.name)!.sha256).toBe(target.sha256);
      }
    },
    BUILD_TIMEOUT,
  );

  it(
    "a rebuild gives the same bytes; --sbom=false --provenance=false give none; the frontend gives the same",
    async () => {
      const first = readTree(join(scratch, `rpk-${example}`));
      const again = rpkBuild(example, join(scratch, `again-${example}`));
      expect([...again.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [file, bytes] of first) expect(again.get(file)?.equals(bytes), `${file} differs`).toBe(true);

      const off = rpkBuild(example, join(scratch, `off-${example}`), ["--sbom=false", "--provenance=false"]);
      const records = [...first.keys()].filter((f) => f.endsWith(".spdx.json") || f.endsWith(".provenance.json"));
      expect(records.length).toBe(2 * manifestOf(first).targets.length);
      expect([...off.keys()].sort()).toEqual([...first.keys()].filter((f) => !records.includes(f)).sort());
      for (const target of manifestOf(off).targets) {
        expect(target.sbom).toBeUndefined();
        expect(target.provenance).toBeUndefined();
        expect(off.get(target.file)?.equals(first.get(target.file)!)).toBe(true);
      }
      const sbomOnly = rpkBuild(example, join(scratch, `sbom-only-${example}`), ["--provenance=false"]);
      expect([...sbomOnly.keys()].filter((f) => f.endsWith(".provenance.json"))).toEqual([]);
      expect([...sbomOnly.keys()].filter((f) => f.endsWith(".spdx.json")).length).toBe(records.length / 2);

      const planDir = join(scratch, `plan-${example}`);
      mkdirSync(planDir, { recursive: true });
      rpk(["plan", join(repoRoot, "examples", example), "--out", join(planDir, "rpk.json")]);
      const viaFrontend = join(scratch, `frontend-${example}`);
      await runBuildctl(env, [
        "build",
        "--frontend",
        "gateway.v0",
        "--opt",
        `source=${frontendImage}`,
        ...goProxyBuildArgs(env),
        "--local",
        `context=${join(repoRoot, "examples", example)}`,
        "--local",
        `dockerfile=${planDir}`,
        "--output",
        `type=local,dest=${viaFrontend}`,
      ]);
      const frontend = readTree(viaFrontend);
      expect([...frontend.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [file, bytes] of first) expect(frontend.get(file)?.equals(bytes), `${file} differs`).toBe(true);
      // The plan digest in the provenance is the plan file's sha256 (rpk build planned the same bytes).
      const planSha = createHash("sha256")
        .update(readFileSync(join(planDir, "rpk.json")))
        .digest("hex");
      const statement = JSON.parse(first.get(records.find((f) => f.endsWith(".provenance.json"))!)!.toString());
      expect(statement.predicate.buildDefinition.resolvedDependencies).toContainEqual({
        name: "rpk.json",
        digest: { sha256: planSha },
      });
    },
    BUILD_TIMEOUT,
  );
});
