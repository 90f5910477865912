import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { EXAMPLES } from "../helpers/examples.js";
import { runLambdaImage } from "../helpers/image.js";
import { repoRoot, runRpkOk } from "../helpers/run-cli.js";
import { readTree } from "../helpers/tree.js";
import { readZip } from "../helpers/zip.js";
import { frontendBuildctl, frontendBuildctlArgs } from "./support/frontend-buildctl.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";
import { expectedInvokes } from "./support/rpk-llb.js";

/**
 * Issue 6's proof: rpk's frontend image, built from this working tree, run by buildkitd through
 * `buildctl build --frontend gateway.v0`, gives the same bytes as `rpk build` for the same plan.
 */

const BUILD_TIMEOUT = 900_000;
const execFileAsync = promisify(execFile);

let env: TestEnv;
let frontendImage: string;
const runId = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-frontend-it-"));

beforeAll(async () => {
  env = loadTestEnv();
  frontendImage = await pushTestFrontendImage(env, `it-${runId}`);
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `rpk ARGS` against the test daemon with the machine's module proxy settings, as a user would run it. */
function rpk(args: string[]): string {
  return runRpkOk(args, { env: { ...env.go.env, BUILDKIT_HOST: env.buildkit.host } });
}

/** Writes `rpk plan DIR` into its own directory (the frontend's `dockerfile` local) and returns that directory. */
function planInto(example: string, extra: string[] = []): string {
  const planDir = join(scratch, `plan-${example}${extra.length ? `-${extra.join("")}` : ""}`);
  mkdirSync(planDir, { recursive: true });
  rpk(["plan", join(repoRoot, "examples", example), "--out", join(planDir, "rpk.json"), ...extra]);
  return planDir;
}

/** `buildctl build --frontend gateway.v0` with rpk's frontend image. */
function frontendBuild(options: { context: string; planDir: string; output: string; opts?: string[] }) {
  return frontendBuildctl(env, { via: { gateway: frontendImage }, ...options });
}

describe.each(EXAMPLES)("buildctl --frontend gateway.v0 = rpk build: %s", (example) => {
  it(
    "gives byte-identical zips and manifest for the same plan",
    async () => {
      const context = join(repoRoot, "examples", example);
      const planDir = planInto(example);
      const viaRpk = join(scratch, `rpk-${example}`);
      const viaFrontend = join(scratch, `frontend-${example}`);
      rpk(["build", context, "--plan", join(planDir, "rpk.json"), "-o", viaRpk, "--progress", "quiet"]);
      await frontendBuild({ context, planDir, output: `type=local,dest=${viaFrontend}` });

      const expected = readTree(viaRpk);
      const got = readTree(viaFrontend);
      // Not vacuous: every Lambda of the example has its zip, and the manifest is there.
      const lambdas = Object.keys(expectedInvokes(context));
      expect([...expected.keys()]).toEqual(
        expect.arrayContaining(["manifest.json", ...lambdas.map((l) => `${l}.zip`)]),
      );
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [file, bytes] of expected) {
        expect(got.get(file)?.equals(bytes), `${file} differs`).toBe(true);
      }
      for (const lambda of lambdas) {
        expect(readZip(got.get(`${lambda}.zip`)!).map((e) => e.name)).toEqual(["bootstrap"]);
      }
    },
    BUILD_TIMEOUT,
  );
});

interface ImageManifest {
  mediaType?: string;
  config: { digest: string };
  layers: { digest: string; size: number }[];
}

async function registryManifest(repository: string, tag: string): Promise<ImageManifest> {
  const url = `http://${env.registry.address}/v2/${repository}/manifests/${tag}`;
  const response = await fetch(url, {
    headers: {
      accept: [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
      ].join(", "),
    },
  });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as ImageManifest;
}

async function registryBlob(repository: string, digest: string): Promise<unknown> {
  const response = await fetch(`http://${env.registry.address}/v2/${repository}/blobs/${digest}`);
  if (!response.ok) throw new Error(`blob ${digest}: HTTP ${response.status}`);
  return response.json();
}

describe("image output", () => {
  it(
    "pushes the same image as rpk build (config and layers), and its bootstrap answers an invoke",
    async () => {
      const context = join(repoRoot, "examples", "hello");
      const planDir = planInto("hello");
      const repository = "rpk-it/frontend-hello";
      const rpkTag = `rpk-${runId}`;
      const frontendTag = `frontend-${runId}`;
      const name = (tag: string) => `${env.registry.address}/${repository}:${tag}`;
      rpk([
        "build",
        context,
        "--plan",
        join(planDir, "rpk.json"),
        "-o",
        `type=image,name=${name(rpkTag)},push=true`,
        "--progress",
        "quiet",
      ]);
      await frontendBuild({
        context,
        planDir,
        opts: ["output=image"],
        output: `type=image,name=${name(frontendTag)},push=true`,
      });

      const viaRpk = await registryManifest(repository, rpkTag);
      const viaFrontend = await registryManifest(repository, frontendTag);
      expect(viaFrontend.layers.length).toBeGreaterThan(0);
      // Compare the configs as JSON first so a difference shows up readably, then the exact blobs.
      expect(await registryBlob(repository, viaFrontend.config.digest)).toEqual(
        await registryBlob(repository, viaRpk.config.digest),
      );
      expect(viaFrontend.config.digest).toBe(viaRpk.config.digest);
      expect(viaFrontend.layers).toEqual(viaRpk.layers);

      const { event, response } = expectedInvokes(context).hello!;
      const run = await runLambdaImage({ env, image: name(frontendTag), event });
      expect(run.functionError).toBeUndefined();
      expect(run.body).toEqual(response);
    },
    BUILD_TIMEOUT,
  );
});

/** Runs buildctl expecting it to fail; returns its output. */
async function frontendFailure(planDir: string): Promise<string> {
  const args = [
    "--addr",
    env.buildkit.host,
    ...frontendBuildctlArgs(env, {
      via: { gateway: frontendImage },
      context: join(repoRoot, "examples", "hello"),
      planDir,
      goProxy: false,
    }),
  ];
  try {
    await execFileAsync(env.buildkit.buildctl, args, { timeout: 300_000 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
  }
  throw new Error("buildctl succeeded with a broken plan");
}

function errorLine(output: string): string {
  const line = output.split("\n").find((l) => l.startsWith("error:"));
  if (!line) throw new Error(`no error line in buildctl's output:\n${output}`);
  return line;
}

describe("broken plans", () => {
  it("an invalid field gives buildctl a one-line error naming the field", async () => {
    const planDir = join(scratch, "plan-broken");
    mkdirSync(planDir, { recursive: true });
    const plan = JSON.parse(readFileSync(join(planInto("hello"), "rpk.json"), "utf8"));
    plan.targets[0].name = "Not A Name";
    writeFileSync(join(planDir, "rpk.json"), JSON.stringify(plan, null, 2));
    const line = errorLine(await frontendFailure(planDir));
    expect(line).toMatch(/^error: failed to solve: rpk\.json: targets\[0\]\.name: lower-case letters/);
    expect(line).toContain("regenerate the plan with `rpk plan`");
  });

  it("a plan that is not JSON names the file and line", async () => {
    const planDir = join(scratch, "plan-not-json");
    mkdirSync(planDir, { recursive: true });
    writeFileSync(join(planDir, "rpk.json"), '{\n  "version": 1,\n  oops\n}\n');
    expect(errorLine(await frontendFailure(planDir))).toMatch(/^error: failed to solve: rpk\.json:3: invalid JSON/);
  });

  it("a missing plan says which local directory to pass", async () => {
    const planDir = join(scratch, "plan-missing");
    mkdirSync(planDir, { recursive: true });
    const line = errorLine(await frontendFailure(planDir));
    expect(line).toContain('cannot read rpk.json from the "dockerfile" directory');
    expect(line).toContain("--local dockerfile=DIR");
  });
});

describe("frontend options", () => {
  it(
    "platform=linux/amd64,linux/arm64 builds each arch as rpk build does for a plan of that arch",
    async () => {
      const context = join(repoRoot, "examples", "hello");
      const out = join(scratch, "frontend-multi");
      await frontendBuild({
        context,
        planDir: planInto("hello"),
        opts: ["platform=linux/amd64,linux/arm64"],
        output: `type=local,dest=${out}`,
      });
      for (const arch of ["x86_64", "arm64"]) {
        const viaRpk = join(scratch, `rpk-hello-${arch}`);
        const plan = join(planInto("hello", ["--arch", arch]), "rpk.json");
        rpk(["build", context, "--plan", plan, "-o", viaRpk, "--progress", "quiet"]);
        const expected = readTree(viaRpk);
        // The local exporter writes one directory per platform of a multi-platform result.
        const got = readTree(join(out, arch === "arm64" ? "linux_arm64" : "linux_amd64"));
        expect([...got.keys()].sort()).toEqual([
          "hello.provenance.json",
          "hello.spdx.json",
          "hello.zip",
          "manifest.json",
        ]);
        for (const [file, bytes] of expected) expect(got.get(file)?.equals(bytes), `${arch}: ${file}`).toBe(true);
        const manifest = JSON.parse(got.get("manifest.json")!.toString()) as { targets: { arch: string }[] };
        expect(manifest.targets.map((t) => t.arch)).toEqual([arch]);
        // ELF e_machine: 0x3e x86-64, 0xb7 AArch64.
        const elf = readZip(got.get("hello.zip")!)[0]!.data;
        expect(elf.readUInt16LE(18)).toBe(arch === "arm64" ? 0xb7 : 0x3e);
      }
    },
    BUILD_TIMEOUT,
  );

  it(
    "target= and arch= pick what is built, like rpk plan --target --arch",
    async () => {
      const context = join(repoRoot, "examples", "monorepo");
      const out = join(scratch, "frontend-monorepo-api-arm64");
      await frontendBuild({
        context,
        planDir: planInto("monorepo"),
        opts: ["target=api", "arch=arm64"],
        output: `type=local,dest=${out}`,
      });
      const viaRpk = join(scratch, "rpk-monorepo-api-arm64");
      const plan = join(planInto("monorepo", ["--arch", "arm64", "--target", "api"]), "rpk.json");
      rpk(["build", context, "--plan", plan, "-o", viaRpk, "--progress", "quiet"]);
      const got = readTree(out);
      expect([...got.keys()].sort()).toEqual(["api.provenance.json", "api.spdx.json", "api.zip", "manifest.json"]);
      const expected = readTree(viaRpk);
      for (const [file, bytes] of expected) {
        if (file !== "api.provenance.json") expect(got.get(file)?.equals(bytes), file).toBe(true);
      }
      // The provenance names the plan each build ran: the frontend's keeps every target of the plan it was
      // given (target= selects), rpk plan --target writes a plan of one; all else is the same.
      const withoutPlan = (bytes: Buffer) => {
        const statement = JSON.parse(bytes.toString("utf8"));
        const deps = statement.predicate.buildDefinition.resolvedDependencies as { name?: string }[];
        expect(deps.filter((d) => d.name === "rpk.json")).toHaveLength(1);
        statement.predicate.buildDefinition.resolvedDependencies = deps.filter((d) => d.name !== "rpk.json");
        return statement;
      };
      expect(withoutPlan(got.get("api.provenance.json")!)).toEqual(withoutPlan(expected.get("api.provenance.json")!));
    },
    BUILD_TIMEOUT,
  );
});
