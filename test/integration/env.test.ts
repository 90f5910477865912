import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runBuildctl } from "../helpers/buildctl.js";
import { goProxyBuildArgs, loadTestEnv, type TestImage } from "../helpers/env.js";
import { runLambdaImage } from "../helpers/image.js";
import { invokeBootstrap } from "../helpers/lambda.js";

/**
 * The test environment itself, end to end: the daemon builds a real example with the golang stand-in
 * (resolved as docker.io/library/golang through the registry mirror, modules fetched from the proxy inside
 * the build), the bootstrap answers under the emulator, and an image on the provided.* stand-ins
 * (public.ecr.aws through the mirror) runs under runc with its entrypoint contract.
 */
const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "../..");
const fixtures = join(repoRoot, "test/env/fixtures");
const helloDir = join(repoRoot, "examples/hello");

interface ExpectedInvoke {
  event: unknown;
  response: unknown;
}

const env = loadTestEnv();
const work = mkdtempSync(join(tmpdir(), "rpk-env-test-"));
const bootstrapDir = join(work, "hello");
let expected: ExpectedInvoke;

beforeAll(async () => {
  const cases = JSON.parse(readFileSync(join(helloDir, "expected-invoke.json"), "utf8")) as Record<
    string,
    ExpectedInvoke
  >;
  const first = Object.values(cases)[0];
  if (!first) throw new Error("examples/hello/expected-invoke.json lists no target");
  expected = first;

  await runBuildctl(env, [
    "build",
    "--progress=plain",
    "--frontend=dockerfile.v0",
    "--local",
    `context=${helloDir}`,
    "--local",
    `dockerfile=${fixtures}`,
    "--opt",
    "filename=go-lambda.Dockerfile",
    ...goProxyBuildArgs(env),
    "--output",
    `type=local,dest=${bootstrapDir}`,
  ]);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("test environment", () => {
  test("buildctl compiled examples/hello into a bootstrap that answers under the emulator", async () => {
    const bootstrap = join(bootstrapDir, "bootstrap");
    expect(statSync(bootstrap).mode & 0o111).not.toBe(0);
    // A static ELF: CGO_ENABLED=0 really applied, and it is a Linux executable, not a script.
    expect(readFileSync(bootstrap).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));

    const result = await invokeBootstrap({ env, bootstrap, event: expected.event });
    expect(result.functionError).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.body).toEqual(expected.response);
  });

  test("the emulator reports a runtime that dies as a function error", async () => {
    const crashing = join(work, "crashing-bootstrap");
    writeFileSync(crashing, "#!/bin/sh\necho 'bootstrap crashing on purpose' >&2\nexit 3\n");
    chmodSync(crashing, 0o755);

    const result = await invokeBootstrap({ env, bootstrap: crashing, event: {} });
    expect(result.status).toBe(200);
    expect(result.functionError).toBe("Unhandled");
    expect(result.body).toMatchObject({ errorType: "Runtime.ExitError" });
  });

  test("the stand-in emulator passes its own Go tests (errors, init errors, exits, timeouts)", async () => {
    const { stdout } = await execFileAsync("go", ["test", "-count=1", "./..."], {
      cwd: join(repoRoot, "test/env/lambda-emulator"),
    });
    expect(stdout).toMatch(/^ok\s/m);
  }, 300_000);

  test.each([
    ["al2023", env.images.providedAl2023],
    ["al2", env.images.providedAl2],
  ])(
    "an image on the provided:%s stand-in runs its entrypoint under runc",
    async (variant, base: TestImage) => {
      const archive = join(work, `hello-${variant}.tar`);
      await runBuildctl(env, [
        "build",
        "--progress=plain",
        "--frontend=dockerfile.v0",
        "--local",
        `context=${bootstrapDir}`,
        "--local",
        `dockerfile=${fixtures}`,
        "--opt",
        "filename=lambda-image.Dockerfile",
        "--opt",
        `build-arg:BASE_IMAGE=${base.ref}`,
        "--output",
        `type=oci,dest=${archive}`,
      ]);
      expect(existsSync(archive)).toBe(true);

      const run = await runLambdaImage({ env, image: `oci-archive:${archive}`, event: expected.event });
      expect(run.args).toEqual(["/lambda-entrypoint.sh", "bootstrap"]);
      expect(run.functionError).toBeUndefined();
      expect(run.status).toBe(200);
      expect(run.body).toEqual(expected.response);
    },
    300_000,
  );

  test("the registry serves every pinned stand-in tag, labelled as a stand-in", async () => {
    const images = Object.values(env.images);
    expect(images.map((image) => image.ref)).toEqual(
      expect.arrayContaining([
        "docker.io/library/golang:1.26.8-bookworm",
        "public.ecr.aws/lambda/provided:al2",
        "public.ecr.aws/lambda/provided:al2023",
        "docker.io/library/node:20-bookworm-slim",
      ]),
    );
    for (const image of images) {
      for (const tag of image.tags) {
        const repository = image.registryRef.slice(env.registry.address.length + 1).split(":")[0] ?? "";
        for (const config of await fetchImageConfigs(env.registry.address, repository, tag)) {
          expect(config.config.Labels?.["dev.rpk.test-stand-in"], `${repository}:${tag}`).toBe("true");
        }
      }
    }
    const [golang] = await fetchImageConfigs(env.registry.address, "library/golang", "1.26.8-bullseye");
    expect(golang?.config.Env).toEqual(
      expect.arrayContaining([`GOLANG_VERSION=${env.go.version}`, "GOPATH=/go", "GOTOOLCHAIN=local"]),
    );
    // Like the real tags, the provided stand-ins are indexes over both Lambda architectures.
    for (const tag of ["al2", "al2023"]) {
      const configs = await fetchImageConfigs(env.registry.address, "lambda/provided", tag);
      expect(configs.map((c) => `${c.os}/${c.architecture}`).sort()).toEqual(["linux/amd64", "linux/arm64"]);
      for (const config of configs) {
        expect(config.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
        expect(config.config.WorkingDir).toBe("/var/task");
        expect(config.config.Env).toEqual(expect.arrayContaining(["LAMBDA_TASK_ROOT=/var/task"]));
      }
    }
  });

  test("an arm64 image builds on the provided stand-in (platform resolved through the mirror)", async () => {
    const context = join(work, "arm64-context");
    mkdirSync(context, { recursive: true });
    // Nothing runs in this build, so any file will do as the bootstrap: the point is the arm64 base.
    writeFileSync(join(context, "bootstrap"), "placeholder\n");
    const archive = join(work, "arm64.tar");
    await runBuildctl(env, [
      "build",
      "--frontend=dockerfile.v0",
      "--local",
      `context=${context}`,
      "--local",
      `dockerfile=${fixtures}`,
      "--opt",
      "filename=lambda-image.Dockerfile",
      "--opt",
      "platform=linux/arm64",
      "--opt",
      `build-arg:BASE_IMAGE=${env.images.providedAl2023.ref}`,
      "--output",
      `type=oci,dest=${archive}`,
    ]);
    const unpacked = join(work, "arm64-layout");
    mkdirSync(unpacked, { recursive: true });
    await execFileAsync("tar", ["-xf", archive, "-C", unpacked]);
    const blob = (digest: string) => JSON.parse(readFileSync(join(unpacked, "blobs/sha256", digest.slice(7)), "utf8"));
    const index = JSON.parse(readFileSync(join(unpacked, "index.json"), "utf8"));
    const manifest = blob(index.manifests[0].digest);
    const config = blob(manifest.config.digest);
    expect(config.architecture).toBe("arm64");
    expect(config.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
    expect(config.config.Cmd).toEqual(["bootstrap"]);
  }, 300_000);

  test("the daemon grants the network.host entitlement", async () => {
    const context = join(work, "network-host");
    rmSync(context, { recursive: true, force: true });
    // Only the one file leaves the build: exporting the golang rootfs would copy hundreds of MB.
    const dockerfile = [
      `FROM ${env.images.golang.ref} AS probe`,
      "RUN --network=host go version > /version",
      "FROM scratch",
      "COPY --from=probe /version /version",
      "",
    ].join("\n");
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, "Dockerfile"), dockerfile);
    const out = join(work, "network-host-out");
    await runBuildctl(env, [
      "build",
      "--frontend=dockerfile.v0",
      "--local",
      `context=${context}`,
      "--local",
      `dockerfile=${context}`,
      "--allow",
      "network.host",
      "--output",
      `type=local,dest=${out}`,
    ]);
    expect(readFileSync(join(out, "version"), "utf8")).toContain(`go${env.go.version}`);
  }, 300_000);
});

interface ImageConfig {
  architecture: string;
  os: string;
  config: { Env?: string[]; Entrypoint?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
}

const indexType = "application/vnd.oci.image.index.v1+json";
const manifestType = "application/vnd.oci.image.manifest.v1+json";

async function fetchJson<T>(url: string, accept?: string): Promise<T> {
  const response = await fetch(url, accept ? { headers: { accept } } : {});
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

/** The image configs behind a tag: one for a single manifest, one per platform for an index. */
async function fetchImageConfigs(registry: string, repository: string, tag: string): Promise<ImageConfig[]> {
  const base = `http://${registry}/v2/${repository}`;
  const top = await fetchJson<{ mediaType: string; manifests?: { digest: string }[]; config?: { digest: string } }>(
    `${base}/manifests/${tag}`,
    `${indexType}, ${manifestType}`,
  );
  const manifests =
    top.mediaType === indexType
      ? await Promise.all(
          (top.manifests ?? []).map((m) =>
            fetchJson<{ config: { digest: string } }>(`${base}/manifests/${m.digest}`, manifestType),
          ),
        )
      : [top as { config: { digest: string } }];
  return Promise.all(manifests.map((m) => fetchJson<ImageConfig>(`${base}/blobs/${m.config.digest}`)));
}
