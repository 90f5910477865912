import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attachRecords,
  type Descriptor,
  IN_TOTO_JSON,
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryClient,
  referrersTag,
  SPDX_JSON,
} from "../../src/registry/index.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { registryBlob, registryManifest, sha256Digest } from "./support/oci.js";
import { rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * src/registry's client against the real local registry (CNCF distribution 2.8, no referrers API): an
 * image rpk pushed gets two records attached; the registry stores the artifact manifests with their
 * subject, answers 404 on the referrers endpoint, and the `sha256-<hex>` tag holds the index listing both;
 * attaching the same records again changes nothing; the image's own tag is untouched. Read back with plain
 * HTTP, not with the client under test.
 */

const BUILD_TIMEOUT = 900_000;
const run = randomBytes(4).toString("hex");
const repository = `rpk-it/referrers-${run}`;
let env: TestEnv;
let image: Descriptor;
let imageRef: string;

async function getManifest(reference: string, accept: string): Promise<{ status: number; body: Buffer; type: string }> {
  const response = await fetch(`http://${env.registry.address}/v2/${repository}/manifests/${reference}`, {
    headers: { accept },
  });
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get("content-type") ?? "",
  };
}

const records = [
  {
    artifactType: SPDX_JSON,
    mediaType: SPDX_JSON,
    bytes: Buffer.from(`{"spdxVersion":"SPDX-2.3","run":"${run}"}`),
    title: "hello.spdx.json",
  },
  {
    artifactType: IN_TOTO_JSON,
    mediaType: IN_TOTO_JSON,
    bytes: Buffer.from(`{"_type":"https://in-toto.io/Statement/v1","run":"${run}"}`),
    title: "hello.provenance.json",
  },
];

beforeAll(async () => {
  env = loadTestEnv();
  imageRef = `${env.registry.address}/${repository}:image`;
  await rpkBuildOk(
    [
      join(repoRoot, "examples", "hello"),
      "-o",
      `type=image,name=${imageRef},push=true`,
      "--progress",
      "quiet",
      // Only the records this test attaches: rpk's own would share the fallback tag.
      "--sbom=false",
      "--provenance=false",
    ],
    {
      env: rpkEnv(env),
    },
  );
  const raw = Buffer.from((await registryManifest(imageRef)).raw);
  image = { mediaType: JSON.parse(raw.toString()).mediaType, digest: sha256Digest(raw), size: raw.length };
}, BUILD_TIMEOUT);

describe("attachRecords on a registry without the referrers API", () => {
  it("pushes each record as an artifact manifest with the image as subject, listed under the sha256-<hex> tag", async () => {
    const client = new RegistryClient({ host: env.registry.address, repository });
    const result = await attachRecords({ client, subject: image, records });
    expect(result.listedBy).toBe("tag");
    expect(result.tag).toBe(referrersTag(image.digest));

    // The registry's referrers endpoint does not exist (distribution 2.8): the fallback is what clients read.
    const referrers = await fetch(`http://${env.registry.address}/v2/${repository}/referrers/${image.digest}`);
    expect(referrers.status).toBe(404);

    const index = await getManifest(result.tag!, OCI_INDEX);
    expect(index.status).toBe(200);
    const listed = JSON.parse(index.body.toString()) as { mediaType: string; manifests: Descriptor[] };
    expect(listed.mediaType).toBe(OCI_INDEX);
    expect(listed.manifests.map((m) => [m.artifactType, m.digest])).toEqual(
      result.manifests.map((m) => [m.artifactType, m.digest]),
    );
    expect(listed.manifests.map((m) => m.artifactType)).toEqual([SPDX_JSON, IN_TOTO_JSON]);

    for (const [i, entry] of listed.manifests.entries()) {
      const manifest = await getManifest(entry.digest, OCI_MANIFEST);
      expect(sha256Digest(manifest.body)).toBe(entry.digest);
      const json = JSON.parse(manifest.body.toString());
      expect(json.artifactType).toBe(records[i]!.artifactType);
      expect(json.subject).toEqual({ mediaType: image.mediaType, digest: image.digest, size: image.size });
      expect(json.config.mediaType).toBe("application/vnd.oci.empty.v1+json");
      const blob = await registryBlob(env.registry.address, repository, json.layers[0].digest);
      expect(blob.equals(records[i]!.bytes)).toBe(true);
    }
  });

  it("attaching the same records again gives the same manifests and leaves the index's bytes alone", async () => {
    const client = new RegistryClient({ host: env.registry.address, repository });
    const tag = referrersTag(image.digest);
    const before = await getManifest(tag, OCI_INDEX);
    const again = await attachRecords({ client, subject: image, records });
    const after = await getManifest(tag, OCI_INDEX);
    expect(after.body.equals(before.body)).toBe(true);
    expect(again.manifests.map((m) => m.digest)).toEqual(
      (JSON.parse(before.body.toString()) as { manifests: Descriptor[] }).manifests.map((m) => m.digest),
    );
  });

  it("leaves the image's tag a single image manifest", async () => {
    const raw = Buffer.from((await registryManifest(imageRef)).raw);
    expect(sha256Digest(raw)).toBe(image.digest);
    expect(JSON.parse(raw.toString()).manifests).toBeUndefined();
  });
});
