import { describe, expect, it } from "vitest";
import { attachedLines, recordsOf, registryTarget, unpushedRecordsWarning } from "../../../src/cli/push-records.js";
import { parseOutputSpec } from "../../../src/cli/specs.js";

const statement = `${JSON.stringify(
  {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "bootstrap", digest: { sha256: "b".repeat(64) } }],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: { x: 1 },
  },
  null,
  2,
)}\n`;
const response = {
  "containerimage.digest": `sha256:${"a".repeat(64)}`,
  "frontend.rpk.sbom": Buffer.from('{"spdxVersion":"SPDX-2.3"}').toString("base64"),
  "frontend.rpk.provenance": Buffer.from(statement).toString("base64"),
};

describe("recordsOf", () => {
  it("decodes the exporter response's records into SPDX and in-toto artifacts named after the target", () => {
    const records = recordsOf(response, "hello");
    expect(records.map((r) => [r.artifactType, r.mediaType, r.title])).toEqual([
      ["application/spdx+json", "application/spdx+json", "hello.spdx.json"],
      ["application/vnd.in-toto+json", "application/vnd.in-toto+json", "hello.provenance.json"],
    ]);
    expect(Buffer.from(records[0]!.bytes).toString()).toBe('{"spdxVersion":"SPDX-2.3"}');
    expect(Buffer.from(records[1]!.bytes).toString()).toBe(statement);
  });

  it("points the provenance at the pushed image manifest, keeping the rest of the statement", () => {
    const image = { name: "registry.example/fn", digest: `sha256:${"a".repeat(64)}` };
    const provenance = JSON.parse(Buffer.from(recordsOf(response, "hello", image)[1]!.bytes).toString());
    expect(provenance.subject).toEqual([{ name: "registry.example/fn", digest: { sha256: "a".repeat(64) } }]);
    expect(provenance.predicate).toEqual({ x: 1 });
  });

  it("is empty when the build made no records (--sbom=false --provenance=false)", () => {
    expect(recordsOf({ "containerimage.digest": "sha256:x" }, "hello")).toEqual([]);
    expect(recordsOf({ "frontend.rpk.provenance": response["frontend.rpk.provenance"] }, "h")).toHaveLength(1);
  });
});

describe("registryTarget", () => {
  it("splits the API host from the repository, Docker Hub names normalized as docker does", () => {
    expect(registryTarget("127.0.0.1:5055/rpk-it/hello:tag")).toEqual({
      host: "127.0.0.1:5055",
      repository: "rpk-it/hello",
    });
    expect(registryTarget("alpine")).toEqual({ host: "registry-1.docker.io", repository: "library/alpine" });
    expect(registryTarget("ghcr.io/o/fn@sha256:" + "c".repeat(64))).toEqual({ host: "ghcr.io", repository: "o/fn" });
  });
});

describe("unpushedRecordsWarning", () => {
  it("warns when records were made and the image output does not push", () => {
    const images = [{ target: "hello", response }];
    expect(unpushedRecordsWarning([parseOutputSpec("type=oci,dest=x.tar")], images)).toMatch(
      /attached to pushed images only, and --output type=oci does not push/,
    );
    expect(unpushedRecordsWarning([parseOutputSpec("type=image,name=r/x,push=true")], images)).toBeUndefined();
    expect(unpushedRecordsWarning([parseOutputSpec("type=image,name=r/x")], [{ response: {} }])).toBeUndefined();
  });
});

describe("attachedLines", () => {
  it("names the records, the repository and where a client finds them", () => {
    const lines = attachedLines([
      {
        target: "hello",
        name: "127.0.0.1:5055/rpk-it/hello:v1",
        result: {
          listedBy: "tag",
          tag: `sha256-${"a".repeat(64)}`,
          manifests: [
            { mediaType: "m", digest: "d1", size: 1, artifactType: "application/spdx+json" },
            { mediaType: "m", digest: "d2", size: 1, artifactType: "application/vnd.in-toto+json" },
          ],
        },
      },
    ]);
    expect(lines).toEqual([
      `hello                sbom+provenance → 127.0.0.1:5055/rpk-it/hello (referrers tag sha256-${"a".repeat(64)})`,
    ]);
  });
});
