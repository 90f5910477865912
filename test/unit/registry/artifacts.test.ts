import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type ArtifactRecord,
  artifactManifest,
  type Descriptor,
  EMPTY_DESCRIPTOR,
  IN_TOTO_JSON,
  parseReferrersIndex,
  referrersTag,
  SPDX_JSON,
  withReferrers,
} from "../../../src/registry/index.js";

/** Artifact manifests and the referrers tag's index are pushed by digest: their bytes are the contract. */

const sha = (text: string | Buffer) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const image: Descriptor = {
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  digest: `sha256:${"a".repeat(64)}`,
  size: 701,
};
const sbomBytes = Buffer.from('{"spdxVersion":"SPDX-2.3"}');
const sbom: ArtifactRecord = {
  artifactType: SPDX_JSON,
  mediaType: SPDX_JSON,
  bytes: sbomBytes,
  title: "hello.spdx.json",
};
const provenance: ArtifactRecord = {
  artifactType: IN_TOTO_JSON,
  mediaType: IN_TOTO_JSON,
  bytes: Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}'),
  title: "hello.provenance.json",
};

describe("artifactManifest", () => {
  it("encodes the OCI 1.1 artifact form: artifactType, the empty config, one layer, the image as subject", () => {
    const { bytes, descriptor } = artifactManifest(sbom, image);
    expect(bytes.toString()).toBe(
      [
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json",',
        '"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},',
        `"layers":[{"mediaType":"application/spdx+json","digest":"${sha(sbomBytes)}","size":${sbomBytes.length},`,
        '"annotations":{"org.opencontainers.image.title":"hello.spdx.json"}}],',
        `"subject":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:${"a".repeat(64)}","size":701}}`,
      ].join(""),
    );
    expect(descriptor).toEqual({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: sha(bytes),
      size: bytes.length,
      artifactType: SPDX_JSON,
    });
  });

  it("the empty descriptor is the sha256 of {}", () => {
    expect(EMPTY_DESCRIPTOR).toEqual({ mediaType: "application/vnd.oci.empty.v1+json", digest: sha("{}"), size: 2 });
  });

  it("gives the same bytes for the same record and subject, whatever extra fields the subject carries", () => {
    const a = artifactManifest(provenance, image);
    const b = artifactManifest(
      { ...provenance, bytes: Buffer.from(provenance.bytes) },
      {
        ...image,
        annotations: { x: "y" },
        artifactType: "z",
      },
    );
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(artifactManifest(sbom, image).descriptor.digest).not.toBe(a.descriptor.digest);
  });
});

describe("referrers tag schema", () => {
  it("names the tag after the subject digest with - for :", () => {
    expect(referrersTag(`sha256:${"0f".repeat(32)}`)).toBe(`sha256-${"0f".repeat(32)}`);
    expect(() => referrersTag("latest")).toThrow(/not a digest/);
  });

  it("starts an index, appends new referrers in order, and leaves a complete one alone", () => {
    const s = artifactManifest(sbom, image).descriptor;
    const p = artifactManifest(provenance, image).descriptor;
    const first = withReferrers(undefined, [s]);
    expect(first!.bytes.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${s.digest}","size":${s.size},"artifactType":"application/spdx+json"}]}`,
    );
    expect(first!.descriptor.digest).toBe(sha(first!.bytes));
    const second = withReferrers(parseReferrersIndex(first!.bytes), [s, p]);
    expect(parseReferrersIndex(second!.bytes).manifests.map((m) => m.digest)).toEqual([s.digest, p.digest]);
    expect(withReferrers(parseReferrersIndex(second!.bytes), [p, s])).toBeUndefined();
  });

  it("keeps other tools' referrers and their annotations (sorted keys) when adding", () => {
    const foreign = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            annotations: { "z.b": "2", "a.a": "1" },
            size: 10,
            artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
            digest: `sha256:${"b".repeat(64)}`,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
          },
        ],
      }),
    );
    const s = artifactManifest(sbom, image).descriptor;
    const updated = withReferrers(parseReferrersIndex(foreign), [s])!;
    expect(updated.bytes.toString()).toContain(
      `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${"b".repeat(64)}","size":10,"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json","annotations":{"a.a":"1","z.b":"2"}},{"mediaType"`,
    );
  });

  it("refuses a tag that holds something other than an index", () => {
    expect(() => parseReferrersIndex(Buffer.from('{"schemaVersion":2,"config":{}}'))).toThrow(/not an OCI image index/);
  });
});
