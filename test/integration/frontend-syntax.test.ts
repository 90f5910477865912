import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, Session, solve } from "../../src/buildkit/index.js";
import { marshal, mkfile, scratch as scratchState } from "../../src/llb/index.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { EXAMPLES } from "../helpers/examples.js";
import { repoRoot, runRpkOk } from "../helpers/run-cli.js";
import { readTree } from "../helpers/tree.js";
import { readZip } from "../helpers/zip.js";
import { frontendBuildctl } from "./support/frontend-buildctl.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";
import { registryBlob, registryManifest } from "./support/oci.js";
import { expectedInvokes } from "./support/rpk-llb.js";

/**
 * Issue 16 part 1: stock `buildctl --frontend dockerfile.v0` (what `docker buildx build -f rpk.json .` runs)
 * builds rpk.json. BuildKit's Dockerfile frontend finds rpk's frontend image in the plan's top-level "syntax"
 * key, or in build-arg:BUILDKIT_SYNTAX, and forwards the build to it; the outputs are rpk build's bytes.
 */

const BUILD_TIMEOUT = 900_000;

let env: TestEnv;
let frontendImage: string;
const runId = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-frontend-syntax-it-"));

beforeAll(async () => {
  env = loadTestEnv();
  frontendImage = await pushTestFrontendImage(env, `syntax-${runId}`);
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function rpk(args: string[]): string {
  return runRpkOk(args, { env: { ...env.go.env, BUILDKIT_HOST: env.buildkit.host } });
}

/** The two plan directories of an example: `rpk plan --frontend-image` (with "syntax"), and the same without it. */
function plansOf(example: string): { withSyntax: string; withoutSyntax: string } {
  const withSyntax = join(scratch, `plan-${example}`);
  const withoutSyntax = join(scratch, `plan-${example}-nosyntax`);
  mkdirSync(withSyntax, { recursive: true });
  mkdirSync(withoutSyntax, { recursive: true });
  const planFile = join(withSyntax, "rpk.json");
  rpk(["plan", join(repoRoot, "examples", example), "--out", planFile, "--frontend-image", frontendImage]);
  const plan = JSON.parse(readFileSync(planFile, "utf8"));
  expect(plan.syntax).toBe(frontendImage);
  delete plan.syntax;
  writeFileSync(join(withoutSyntax, "rpk.json"), `${JSON.stringify(plan, null, 2)}\n`);
  return { withSyntax, withoutSyntax };
}

/** `rpk build` of an example's plan into scratch (once per file run: the examples' test and later ones share it). */
function rpkBuildOutput(example: string, planDir: string): string {
  const out = join(scratch, `rpk-${example}`);
  if (!existsSync(join(out, "manifest.json"))) {
    const context = join(repoRoot, "examples", example);
    rpk(["build", context, "--plan", join(planDir, "rpk.json"), "-o", out, "--progress", "quiet"]);
  }
  return out;
}

function expectSameTree(
  got: Map<string, Buffer>,
  expected: Map<string, Buffer>,
  label: string,
  /** Another plan file than `expected` was built from: the provenance names its sha256, all else is equal. */
  otherPlan?: string,
): void {
  expect([...got.keys()].sort(), label).toEqual([...expected.keys()].sort());
  for (const [file, bytes] of expected) {
    if (otherPlan && file.endsWith(".provenance.json")) {
      const planSha = createHash("sha256").update(readFileSync(otherPlan)).digest("hex");
      const statement = JSON.parse(bytes.toString("utf8"));
      for (const dep of statement.predicate.buildDefinition.resolvedDependencies) {
        if (dep.name === "rpk.json") dep.digest = { sha256: planSha };
      }
      expect(JSON.parse(got.get(file)!.toString("utf8")), `${label}: ${file}`).toEqual(statement);
      continue;
    }
    expect(got.get(file)?.equals(bytes), `${label}: ${file} differs`).toBe(true);
  }
}

describe.each(EXAMPLES)("buildctl --frontend dockerfile.v0 -f rpk.json = rpk build: %s", (example) => {
  it(
    "the plan's \"syntax\" key and build-arg:BUILDKIT_SYNTAX both give rpk build's zips byte for byte",
    async () => {
      const context = join(repoRoot, "examples", example);
      const plans = plansOf(example);
      const expected = readTree(rpkBuildOutput(example, plans.withSyntax));
      const lambdas = Object.keys(expectedInvokes(context));
      // Not vacuous: every Lambda of the example has its zip with a bootstrap, and the manifest is there.
      expect([...expected.keys()]).toEqual(
        expect.arrayContaining(["manifest.json", ...lambdas.map((l) => `${l}.zip`)]),
      );
      for (const lambda of lambdas) {
        expect(readZip(expected.get(`${lambda}.zip`)!).map((e) => e.name)).toEqual(["bootstrap"]);
      }

      const viaSyntaxKey = join(scratch, `dockerfile-key-${example}`);
      await frontendBuildctl(env, {
        via: "dockerfile.v0",
        context,
        planDir: plans.withSyntax,
        opts: ["filename=rpk.json"],
        output: `type=local,dest=${viaSyntaxKey}`,
      });
      expectSameTree(readTree(viaSyntaxKey), expected, '"syntax" key');

      const viaBuildArg = join(scratch, `dockerfile-arg-${example}`);
      await frontendBuildctl(env, {
        via: "dockerfile.v0",
        context,
        planDir: plans.withoutSyntax,
        opts: ["filename=rpk.json", `build-arg:BUILDKIT_SYNTAX=${frontendImage}`],
        output: `type=local,dest=${viaBuildArg}`,
      });
      // A plan without the "syntax" key is another plan: its provenance names that file's sha256.
      expectSameTree(
        readTree(viaBuildArg),
        expected,
        "build-arg:BUILDKIT_SYNTAX",
        join(plans.withoutSyntax, "rpk.json"),
      );
    },
    BUILD_TIMEOUT,
  );
});

describe("what the Dockerfile frontend forwards", () => {
  it(
    "a filename below the dockerfile directory (buildctl --opt filename=deploy/lambda.json)",
    async () => {
      const context = join(repoRoot, "examples", "hello");
      const plan = plansOf("hello").withSyntax;
      const planRoot = join(scratch, "plan-hello-nested");
      mkdirSync(join(planRoot, "deploy"), { recursive: true });
      writeFileSync(join(planRoot, "deploy", "lambda.json"), readFileSync(join(plan, "rpk.json")));
      const out = join(scratch, "dockerfile-nested-hello");
      await frontendBuildctl(env, {
        via: "dockerfile.v0",
        context,
        planDir: planRoot,
        opts: ["filename=deploy/lambda.json"],
        output: `type=local,dest=${out}`,
      });
      expectSameTree(readTree(out), readTree(rpkBuildOutput("hello", plan)), "filename=deploy/lambda.json");
    },
    BUILD_TIMEOUT,
  );

  it("without the key or BUILDKIT_SYNTAX the plan is read as a Dockerfile and fails: the forwarding is what builds it", async () => {
    await expect(
      frontendBuildctl(env, {
        via: "dockerfile.v0",
        context: join(repoRoot, "examples", "hello"),
        planDir: plansOf("hello").withoutSyntax,
        opts: ["filename=rpk.json"],
        output: `type=local,dest=${join(scratch, "dockerfile-nokey-hello")}`,
      }),
    ).rejects.toThrow(/unknown instruction/);
  });

  it(
    "a plan sent as the dockerfile frontend input (buildx bake's dockerfile-inline) is read from it; an unknown build arg is one warning",
    async () => {
      const plan = plansOf("hello").withSyntax;
      const planText = readFileSync(join(plan, "rpk.json"));
      const planInput = marshal(scratchState().file(mkfile("/inline.json", 0o644, planText)));
      const out = join(scratch, "dockerfile-input-hello");
      const warnings: string[] = [];
      const connection = await connect({ address: env.buildkit.host });
      try {
        await solve({
          client: connection,
          // Only the sources are a local directory: no "dockerfile" local exists to fall back on.
          session: new Session({ sources: { context: join(repoRoot, "examples", "hello") } }),
          frontend: "dockerfile.v0",
          frontendAttrs: {
            // What buildx sends with frontend inputs: without the cap the daemon refuses them.
            "frontend.caps": "moby.buildkit.frontend.inputs",
            filename: "inline.json",
            "build-arg:NODE_ENV": "production",
            ...Object.fromEntries(Object.entries(env.go.env).map(([k, v]) => [`build-arg:${k}`, v])),
          },
          frontendInputs: { dockerfile: planInput },
          exporters: [{ type: "local", output: out }],
          onStatus: (status) => warnings.push(...status.warnings.map((w) => w.short)),
        });
      } finally {
        connection.close();
      }
      expectSameTree(readTree(out), readTree(rpkBuildOutput("hello", plan)), "dockerfile frontend input");
      // The build args rpk reads (GOPROXY, …) and BUILDKIT_SYNTAX give no warning; NODE_ENV gives one line.
      const rpkWarnings = warnings.filter((w) => w.startsWith("rpk frontend:"));
      expect(rpkWarnings).toHaveLength(1);
      expect(rpkWarnings[0]).toMatch(
        /^rpk frontend: build arg NODE_ENV is not used by rpk and was ignored \(rpk reads GOFLAGS, /,
      );
    },
    BUILD_TIMEOUT,
  );

  it(
    "image output (build-arg:RPK_OUTPUT=image, as buildx passes it) pushes the image rpk build pushes: same config and layers",
    async () => {
      const context = join(repoRoot, "examples", "hello");
      const planDir = plansOf("hello").withSyntax;
      const repository = "rpk-it/frontend-syntax-hello";
      const name = (tag: string) => `${env.registry.address}/${repository}:${tag}`;
      const rpkTag = `rpk-${runId}`;
      const syntaxTag = `syntax-${runId}`;
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
      await frontendBuildctl(env, {
        via: "dockerfile.v0",
        context,
        planDir,
        opts: ["filename=rpk.json", "build-arg:RPK_OUTPUT=image"],
        output: `type=image,name=${name(syntaxTag)},push=true`,
      });
      const viaRpk = (await registryManifest(name(rpkTag))).json;
      const viaSyntax = (await registryManifest(name(syntaxTag))).json;
      // A single image manifest (what Lambda accepts), with at least the bootstrap layer.
      expect(viaSyntax.manifests).toBeUndefined();
      expect(viaSyntax.layers.length).toBeGreaterThan(0);
      const config = async (digest: string) =>
        JSON.parse((await registryBlob(env.registry.address, repository, digest)).toString());
      expect(await config(viaSyntax.config.digest)).toEqual(await config(viaRpk.config.digest));
      expect(viaSyntax.config.digest).toBe(viaRpk.config.digest);
      expect(viaSyntax.layers).toEqual(viaRpk.layers);
    },
    BUILD_TIMEOUT,
  );
});
