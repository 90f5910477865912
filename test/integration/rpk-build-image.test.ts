import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv, type TestImage } from "../helpers/env.js";
import { runLambdaImage } from "../helpers/image.js";
import { repoRoot } from "../helpers/run-cli.js";
import {
  blobBytes,
  blobJson,
  type ImageConfigJson,
  type ImageManifest,
  ociLayoutProblems,
  readOciArchive,
  readTar,
  registryBlob,
  registryConfig,
  registryManifest,
  registryPlatformManifest,
  sha256Digest,
  type TarEntry,
} from "./support/oci.js";
import { rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { expectedInvokes } from "./support/rpk-llb.js";

/**
 * `rpk build` image outputs on the real daemon: pushed to the local registry and read back with skopeo
 * (single-platform manifest, the base image's config kept, bootstrap at /var/runtime/bootstrap 0755),
 * run under runc with its own entrypoint; the same inputs give the same digest; and `type=oci` writes a
 * valid OCI layout whose every blob hashes to its digest.
 */

const BUILD_TIMEOUT = 900_000;
const hello = join(repoRoot, "examples", "hello");
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-image-it-"));
let env: TestEnv;
let helloInvoke: { event: unknown; response: unknown };

beforeAll(() => {
  env = loadTestEnv();
  helloInvoke = expectedInvokes(hello).hello!;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `rpk build examples/hello -o type=image,name=REF,push=true`; returns the digest its summary line reports. */
async function pushHello(ref: string, extra: string[] = []): Promise<string> {
  const result = await rpkBuildOk([hello, "-o", `type=image,name=${ref},push=true`, "--progress", "plain", ...extra], {
    env: rpkEnv(env),
  });
  const line = result.stdout.split("\n").find((l) => l.startsWith("hello "));
  const digest = line?.match(new RegExp(`${ref.replace(/[.]/g, "\\.")}@(sha256:[0-9a-f]{64})`))?.[1];
  if (!digest) throw new Error(`no "hello REF@sha256:…" summary line in stdout:\n${result.stdout}`);
  return digest;
}

/** The one layer an image adds on top of its base, checked to be exactly one. */
function addedLayers(image: ImageManifest, base: ImageManifest) {
  expect(image.layers.slice(0, base.layers.length).map((l) => l.digest)).toEqual(base.layers.map((l) => l.digest));
  return image.layers.slice(base.layers.length);
}

function expectBootstrapLayer(entries: Map<string, TarEntry>): void {
  const bootstrap = entries.get("var/runtime/bootstrap");
  expect(bootstrap, `layer holds ${[...entries.keys()].join(", ")}`).toBeDefined();
  expect(bootstrap!.type).toBe("file");
  expect(bootstrap!.mode & 0o7777).toBe(0o755);
  expect(bootstrap!.data.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/**
 * File times in our layer must not come from the clock of the build (or the layer, and with it the digest,
 * changes whenever the step re-runs): nothing may be newer than the image's own `created`, which rpk
 * takes from the base image.
 */
function expectNoBuildTimeMtimes(entries: Map<string, TarEntry>, created: string | undefined): void {
  const limit = Date.parse(created ?? "1970-01-01T00:00:00Z");
  const newer = [...entries.values()]
    .filter((e) => (e.mtime?.getTime() ?? 0) > limit + 999)
    .map((e) => `${e.name} ${e.mtime?.toISOString()}`);
  expect(newer, `entries newer than the image's created (${created})`).toEqual([]);
}

const RUNTIMES: { runtime: string; image: (env: TestEnv) => TestImage }[] = [
  { runtime: "provided.al2023", image: (e) => e.images.providedAl2023 },
  { runtime: "provided.al2", image: (e) => e.images.providedAl2 },
];

describe.each(RUNTIMES)("-o type=image,push=true --runtime $runtime", ({ runtime, image }) => {
  const repository = "rpk-it/hello";
  let ref: string;
  let digest: string;
  let manifest: { raw: string; json: ImageManifest };
  let config: ImageConfigJson;
  let base: { manifest: ImageManifest; config: ImageConfigJson };

  beforeAll(async () => {
    ref = `${env.registry.address}/${repository}:${runtime.replace(".", "-")}-${run}`;
    digest = await pushHello(ref, ["--runtime", runtime]);
    manifest = await registryManifest(ref);
    config = await registryConfig(ref);
    const baseRef = image(env).registryRef;
    base = { manifest: await registryPlatformManifest(baseRef, "amd64"), config: await registryConfig(baseRef) };
  }, BUILD_TIMEOUT);

  it("is a single-platform image manifest (no index, no attestations) with the digest rpk printed", () => {
    expect(manifest.json.schemaVersion).toBe(2);
    expect(manifest.json.manifests).toBeUndefined();
    expect(manifest.json.mediaType ?? "").not.toMatch(/index|manifest\.list/);
    expect(manifest.json.config.mediaType).toMatch(/container\.image\.v1\+json|image\.config\.v1\+json/);
    expect(sha256Digest(Buffer.from(manifest.raw))).toBe(digest);
  });

  it("keeps the base image's Env, Entrypoint and WorkingDir, runs Cmd [bootstrap] on amd64", () => {
    expect(config.architecture).toBe("amd64");
    expect(config.os).toBe("linux");
    expect(config.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
    expect(config.config.Cmd).toEqual(["bootstrap"]);
    expect(config.config.Env).toEqual(base.config.config.Env);
    expect(config.config.WorkingDir).toEqual(base.config.config.WorkingDir);
    expect(config.config.WorkingDir).toBe("/var/task");
    // The base is the runtime's own image: its layers are ours, unchanged, below exactly one added layer.
    expect(config.rootfs.diff_ids.slice(0, -1)).toEqual(base.config.rootfs.diff_ids);
  });

  it("adds one layer holding /var/runtime/bootstrap (0755 ELF), matching its diff_id", async () => {
    const [layer, ...more] = addedLayers(manifest.json, base.manifest);
    expect(more).toEqual([]);
    const bytes = await registryBlob(env.registry.address, repository, layer!.digest);
    expect(sha256Digest(bytes)).toBe(layer!.digest);
    expect(sha256Digest(gunzipSync(bytes))).toBe(config.rootfs.diff_ids.at(-1));
    expectBootstrapLayer(await readTar(bytes));
  });

  it("has no file times from the build's clock in its layer", async () => {
    const [layer] = addedLayers(manifest.json, base.manifest);
    const entries = await readTar(await registryBlob(env.registry.address, repository, layer!.digest));
    expect(config.created).toBe(base.config.created);
    expectNoBuildTimeMtimes(entries, config.created);
  });

  it(
    "answers the example's invoke when run with its own entrypoint under runc",
    async () => {
      const result = await runLambdaImage({ env, image: ref, event: helloInvoke.event });
      expect(result.args).toEqual(["/lambda-entrypoint.sh", "bootstrap"]);
      expect(result.functionError).toBeUndefined();
      expect(result.status).toBe(200);
      expect(result.body).toEqual(helloInvoke.response);
    },
    BUILD_TIMEOUT,
  );
});

describe("image reproducibility", () => {
  it(
    "the same inputs built again (from the daemon's cache) give the same digest",
    async () => {
      const first = await pushHello(`${env.registry.address}/rpk-it/hello:again-a-${run}`);
      const second = await pushHello(`${env.registry.address}/rpk-it/hello:again-b-${run}`);
      expect(second).toBe(first);
    },
    BUILD_TIMEOUT,
  );

  // Every step re-run: nothing may depend on when the build happened (file times inside the layer included).
  it(
    "the same inputs rebuilt with --no-cache give the same digest",
    async () => {
      const cached = await pushHello(`${env.registry.address}/rpk-it/hello:nocache-a-${run}`);
      const rebuilt = await pushHello(`${env.registry.address}/rpk-it/hello:nocache-b-${run}`, ["--no-cache"]);
      expect(rebuilt).toBe(cached);
    },
    BUILD_TIMEOUT,
  );
});

describe("-o type=oci,dest=FILE.tar", () => {
  const archive = join(scratch, "hello-oci.tar");
  let files: Map<string, TarEntry>;

  beforeAll(async () => {
    const result = await rpkBuildOk([hello, "-o", `type=oci,dest=${archive}`, "--progress", "plain"], {
      env: rpkEnv(env),
    });
    expect(result.stdout).toContain(archive);
    files = await readOciArchive(archive);
  }, BUILD_TIMEOUT);

  it("is a valid OCI layout: oci-layout, index.json, every referenced blob present with the right hash", () => {
    expect(ociLayoutProblems(files)).toEqual([]);
    // Nothing but the layout itself, and no staging file left next to the archive.
    for (const name of files.keys())
      expect(name).toMatch(/^(oci-layout|index\.json|blobs(\/sha256(\/[0-9a-f]{64})?)?)$/);
    expect(readdirSync(scratch)).toEqual(["hello-oci.tar"]);
  });

  it("indexes one linux/amd64 image manifest with the bootstrap layer and the Lambda config", () => {
    const index = blobJsonFromIndex(files);
    expect(index.manifests).toHaveLength(1);
    const manifest = blobJson<ImageManifest>(files, index.manifests[0]!.digest);
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.manifests).toBeUndefined();
    const config = blobJson<ImageConfigJson>(files, manifest.config.digest);
    expect([config.os, config.architecture]).toEqual(["linux", "amd64"]);
    expect(config.config.Cmd).toEqual(["bootstrap"]);
    expect(config.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
    return readTar(blobBytes(files, manifest.layers.at(-1)!.digest)).then(expectBootstrapLayer);
  });

  it(
    "runs under runc straight from the archive and answers the invoke",
    async () => {
      const result = await runLambdaImage({ env, image: `oci-archive:${archive}`, event: helloInvoke.event });
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual(helloInvoke.response);
    },
    BUILD_TIMEOUT,
  );
});

function blobJsonFromIndex(files: Map<string, TarEntry>): { manifests: { digest: string }[] } {
  const index = files.get("index.json");
  if (!index) throw new Error("no index.json");
  return JSON.parse(index.data.toString());
}
