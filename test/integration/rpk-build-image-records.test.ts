import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuildctl } from "../helpers/buildctl.js";
import { goProxyBuildArgs, loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot, runRpk } from "../helpers/run-cli.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";
import { type Descriptor, registryBlob, registryConfig, registryManifest, sha256Digest } from "./support/oci.js";
import { rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * Issue 16, image side: `rpk build -o type=image,push=true` pushes the Lambda image as one manifest (no
 * index, no BuildKit attestations) and attaches the SBOM and provenance as OCI 1.1 referrers of it. The test
 * registry (CNCF distribution 2.8) has no referrers API (404; no OCI-Subject header), so what the test sees
 * is the referrers tag schema: the index under `sha256-<hex>` of the image digest. Read back over plain HTTP
 * and skopeo, not with rpk's registry client.
 */

const BUILD_TIMEOUT = 900_000;
const SPDX = "application/spdx+json";
const IN_TOTO = "application/vnd.in-toto+json";
const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const hello = join(repoRoot, "examples", "hello");
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-image-records-it-"));
let env: TestEnv;

beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function fetchManifest(repository: string, reference: string, accept: string) {
  const response = await fetch(`http://${env.registry.address}/v2/${repository}/manifests/${reference}`, {
    headers: { accept },
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

async function tags(repository: string): Promise<string[]> {
  const response = await fetch(`http://${env.registry.address}/v2/${repository}/tags/list`);
  return ((await response.json()) as { tags: string[] }).tags.sort();
}

/** Pushes examples/hello; returns the image digest from the summary line and the whole stdout. */
async function push(ref: string, extra: string[] = []) {
  const result = await rpkBuildOk([hello, "-o", `type=image,name=${ref},push=true`, "--progress", "plain", ...extra], {
    env: rpkEnv(env),
  });
  const digest = result.stdout.match(/@(sha256:[0-9a-f]{64})/)?.[1];
  if (!digest) throw new Error(`no image digest in stdout:\n${result.stdout}`);
  return { digest, stdout: result.stdout };
}

interface Referrer {
  entry: Descriptor & { artifactType?: string };
  manifest: {
    artifactType: string;
    config: Descriptor;
    layers: (Descriptor & { annotations?: Record<string, string> })[];
    subject: Descriptor;
  };
  blob: Buffer;
}

/** The fallback tag's index and every referrer it lists, with its record blob. */
async function referrers(repository: string, digest: string): Promise<{ index: Buffer; referrers: Referrer[] }> {
  const tag = `sha256-${digest.slice("sha256:".length)}`;
  const index = await fetchManifest(repository, tag, INDEX);
  expect(index.status, `GET manifests/${tag}`).toBe(200);
  const listed = JSON.parse(index.body.toString()) as { mediaType: string; manifests: Referrer["entry"][] };
  expect(listed.mediaType).toBe(INDEX);
  const out: Referrer[] = [];
  for (const entry of listed.manifests) {
    const { body } = await fetchManifest(repository, entry.digest, MANIFEST);
    expect(sha256Digest(body)).toBe(entry.digest);
    const manifest = JSON.parse(body.toString()) as Referrer["manifest"];
    const blob = await registryBlob(env.registry.address, repository, manifest.layers[0]!.digest);
    out.push({ entry, manifest, blob });
  }
  return { index: index.body, referrers: out };
}

describe("rpk build -o type=image,push=true with SBOM and provenance (the default)", () => {
  const repository = `rpk-it/records-${run}`;
  let first: { digest: string; stdout: string };
  let image: { raw: string; json: Record<string, unknown> };
  let found: Awaited<ReturnType<typeof referrers>>;

  beforeAll(async () => {
    first = await push(`${env.registry.address}/${repository}:a`);
    image = (await registryManifest(`${env.registry.address}/${repository}:a`)) as typeof image;
    found = await referrers(repository, first.digest);
  }, BUILD_TIMEOUT);

  it("pushes one image manifest with the Lambda config: no index, no attestation manifests", async () => {
    expect(sha256Digest(Buffer.from(image.raw))).toBe(first.digest);
    expect(image.json.manifests).toBeUndefined();
    expect(image.json.mediaType).toMatch(
      /^application\/vnd\.(docker\.distribution\.manifest\.v2|oci\.image\.manifest\.v1)\+json$/,
    );
    const config = await registryConfig(`${env.registry.address}/${repository}:a`);
    expect(config.config.Cmd).toEqual(["bootstrap"]);
    expect(config.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
    expect([config.os, config.architecture]).toEqual(["linux", "amd64"]);
  });

  it("the registry has no referrers API, so the sha256-<hex> tag lists the SBOM and the provenance", async () => {
    const api = await fetch(`http://${env.registry.address}/v2/${repository}/referrers/${first.digest}`);
    expect(api.status).toBe(404);
    expect(await tags(repository)).toEqual(["a", `sha256-${first.digest.slice(7)}`].sort());
    expect(found.referrers.map((r) => r.entry.artifactType)).toEqual([SPDX, IN_TOTO]);
    expect(first.stdout).toContain(`sbom+provenance → ${env.registry.address}/${repository} (referrers tag sha256-`);
  });

  it("each referrer is an artifact manifest whose subject is the image manifest and whose layer is the record", () => {
    const subject = { mediaType: image.json.mediaType, digest: first.digest, size: Buffer.byteLength(image.raw) };
    for (const { entry, manifest, blob } of found.referrers) {
      expect(manifest.artifactType).toBe(entry.artifactType);
      expect(manifest.subject).toEqual(subject);
      expect(manifest.config).toEqual({
        mediaType: "application/vnd.oci.empty.v1+json",
        digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        size: 2,
      });
      expect(manifest.layers).toHaveLength(1);
      expect(manifest.layers[0]!.mediaType).toBe(entry.artifactType);
      expect(sha256Digest(blob)).toBe(manifest.layers[0]!.digest);
    }
    const [sbom, provenance] = found.referrers.map((r) => JSON.parse(r.blob.toString()));
    expect(found.referrers.map((r) => r.manifest.layers[0]!.annotations)).toEqual([
      { "org.opencontainers.image.title": "hello.spdx.json" },
      { "org.opencontainers.image.title": "hello.provenance.json" },
    ]);
    expect(sbom.spdxVersion).toBe("SPDX-2.3");
    const packages = (sbom.packages as { name: string; versionInfo?: string }[]).map(
      (p) => `${p.name}@${p.versionInfo}`,
    );
    expect(packages).toContain("github.com/aws/aws-lambda-go@v1.55.1");
    // Attached to the image, the statement is about the image manifest (not the bootstrap binary).
    expect(provenance.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(provenance.subject).toEqual([
      { name: `${env.registry.address}/${repository}`, digest: { sha256: first.digest.slice(7) } },
    ]);
  });

  it(
    "a rebuild without the cache pushed again gives the same image, the same record bytes and an unchanged index",
    async () => {
      const again = await push(`${env.registry.address}/${repository}:b`, ["--no-cache"]);
      expect(again.digest).toBe(first.digest);
      const second = await referrers(repository, again.digest);
      expect(second.index.equals(found.index)).toBe(true);
      expect(second.referrers.map((r) => r.blob.toString("base64"))).toEqual(
        found.referrers.map((r) => r.blob.toString("base64")),
      );
      expect(await tags(repository)).toEqual(["a", "b", `sha256-${first.digest.slice(7)}`].sort());
    },
    BUILD_TIMEOUT,
  );
});

describe("--sbom=false / --provenance=false", () => {
  it(
    "with both off nothing but the image is pushed; with one off only the other is attached",
    async () => {
      const off = `rpk-it/records-off-${run}`;
      const none = await push(`${env.registry.address}/${off}:img`, ["--sbom=false", "--provenance=false"]);
      expect(await tags(off)).toEqual(["img"]);
      expect(none.stdout).not.toContain("→");

      const onlyProvenance = `rpk-it/records-prov-${run}`;
      const pushed = await push(`${env.registry.address}/${onlyProvenance}:img`, ["--sbom=false"]);
      expect(pushed.digest).toBe(none.digest);
      const { referrers: listed } = await referrers(onlyProvenance, pushed.digest);
      expect(listed.map((r) => r.entry.artifactType)).toEqual([IN_TOTO]);
    },
    BUILD_TIMEOUT,
  );

  it(
    "an image output that does not push says its records are in no output",
    async () => {
      const archive = join(scratch, "hello-oci.tar");
      const result = await rpkBuildOk([hello, "-o", `type=oci,dest=${archive}`, "--progress", "quiet"], {
        env: rpkEnv(env),
      });
      expect(result.warnings).toEqual([
        "warning: the SBOM and provenance are attached to pushed images only, and --output type=oci does not push: they are in no output (push with type=image,name=REF,push=true, or build with --sbom=false --provenance=false)",
      ]);
    },
    BUILD_TIMEOUT,
  );
});

describe("buildctl with rpk's frontend, -o type=image,push=true", () => {
  it(
    "pushes the single Lambda manifest and returns the records in the exporter response (--metadata-file), attaching nothing",
    async () => {
      const frontendImage = await pushTestFrontendImage(env, `records-${run}`);
      const planDir = join(scratch, "plan");
      mkdirSync(planDir, { recursive: true });
      const planned = runRpk(["plan", hello, "--out", join(planDir, "rpk.json"), "--artifact", "image"], {
        env: { ...env.go.env },
      });
      expect(planned.code, planned.stderr).toBe(0);
      const repository = `rpk-it/records-frontend-${run}`;
      const metadataFile = join(scratch, "metadata.json");
      await runBuildctl(env, [
        "build",
        "--progress",
        "plain",
        "--frontend",
        "gateway.v0",
        "--opt",
        `source=${frontendImage}`,
        "--opt",
        "output=image",
        ...goProxyBuildArgs(env),
        "--local",
        `context=${hello}`,
        "--local",
        `dockerfile=${planDir}`,
        "--output",
        `type=image,name=${env.registry.address}/${repository}:img,push=true,registry.insecure=true`,
        "--metadata-file",
        metadataFile,
      ]);
      const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as Record<string, unknown>;
      const digest = metadata["containerimage.digest"] as string;
      const raw = (await registryManifest(`${env.registry.address}/${repository}:img`)).raw;
      expect(sha256Digest(Buffer.from(raw))).toBe(digest);
      expect(JSON.parse(raw).manifests).toBeUndefined();
      // buildctl decodes the base64 values: the metadata file holds the records' JSON itself.
      expect((metadata["frontend.rpk.sbom"] as { spdxVersion: string }).spdxVersion).toBe("SPDX-2.3");
      expect((metadata["frontend.rpk.provenance"] as { predicateType: string }).predicateType).toBe(
        "https://slsa.dev/provenance/v1",
      );
      expect(await tags(repository)).toEqual(["img"]);
    },
    BUILD_TIMEOUT,
  );
});
