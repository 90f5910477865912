import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildkitdLogTail } from "../helpers/buildctl.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { runLambdaImage } from "../helpers/image.js";
import { cliPath, repoRoot } from "../helpers/run-cli.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";
import { expectedInvokes } from "./support/rpk-llb.js";

/**
 * docs/ci-recipe.sh — the shell job of docs/ci-recipes.md — run as CI would run it, against the local
 * daemon and registry: plan, build with rpk's frontend, export the cache to the registry, push the image;
 * then a second run that starts from that registry cache, and an invoke of what was pushed.
 */

const BUILD_TIMEOUT = 900_000;
const execFileAsync = promisify(execFile);
const runId = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-ci-recipe-"));

let env: TestEnv;
let frontendImage: string;

beforeAll(async () => {
  env = loadTestEnv();
  frontendImage = await pushTestFrontendImage(env, `ci-${runId}`);
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function runRecipe(sourceDir: string, image: string, extraEnv: Record<string, string> = {}) {
  try {
    return await execFileAsync("bash", [join(repoRoot, "docs/ci-recipe.sh"), sourceDir, image], {
      env: {
        ...process.env,
        ...env.go.env,
        PATH: `${join(env.buildkit.buildctl, "..")}:${process.env.PATH}`,
        BUILDKIT_HOST: env.buildkit.host,
        RPK_FRONTEND: frontendImage,
        RPK: `${process.execPath} ${cliPath}`,
        ...extraEnv,
      },
      timeout: BUILD_TIMEOUT,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `ci-recipe.sh failed: ${failed.message.split("\n")[0]}\n${(failed.stderr ?? "").split("\n").slice(-40).join("\n")}\n--- buildkitd ---\n${buildkitdLogTail(env, 20)}`,
    );
  }
}

async function manifestExists(repository: string, reference: string): Promise<boolean> {
  const response = await fetch(`http://${env.registry.address}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" },
  });
  return response.ok;
}

describe("docs/ci-recipe.sh", () => {
  const repository = `rpk-it/ci-hello-${runId}`;
  const image = () => `${env.registry.address}/${repository}:v1`;
  const sourceDir = join(repoRoot, "examples", "hello");
  let firstPushed: string | undefined;
  const pushedRef = (stdout: string) => stdout.trim().split("\n").at(-1)!;

  it(
    "plans, builds and pushes the image, exporting the cache to the registry",
    async () => {
      expect(await manifestExists(repository, "buildcache")).toBe(false);
      const { stdout, stderr } = await runRecipe(sourceDir, image(), { METADATA_FILE: join(scratch, "first.json") });
      firstPushed = pushedRef(stdout);
      expect(firstPushed).toMatch(new RegExp(`^${env.registry.address}/${repository}@sha256:[0-9a-f]{64}$`));
      expect(stderr).toContain("exporting cache");
      expect(await manifestExists(repository, "buildcache")).toBe(true);
      expect(await manifestExists(repository, firstPushed.slice(firstPushed.indexOf("@") + 1))).toBe(true);

      const { event, response } = expectedInvokes(sourceDir).hello!;
      const run = await runLambdaImage({ env, image: firstPushed, event });
      expect(run.functionError).toBeUndefined();
      expect(run.body).toEqual(response);
    },
    BUILD_TIMEOUT,
  );

  it(
    "a second run imports the registry cache and pushes the same image",
    async () => {
      firstPushed ??= pushedRef((await runRecipe(sourceDir, image())).stdout);
      const again = await runRecipe(sourceDir, image());
      expect(again.stderr).toContain(`importing cache manifest from ${env.registry.address}/${repository}:buildcache`);
      expect(pushedRef(again.stdout)).toBe(firstPushed);
    },
    BUILD_TIMEOUT,
  );

  it("refuses an image name without a tag", async () => {
    const failure = await execFileAsync("bash", [join(repoRoot, "docs/ci-recipe.sh"), sourceDir, "127.0.0.1:5055/x"], {
      env: { ...process.env, RPK_FRONTEND: "unused" },
    }).catch((e: { code?: number; stderr?: string }) => e);
    expect((failure as { code?: number }).code).toBe(2);
    expect((failure as { stderr?: string }).stderr).toContain("IMAGE needs a tag");
  });
});
