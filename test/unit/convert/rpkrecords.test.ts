// rpk-zip's records (tools/rpkrecords.go, tools/rpkspdx.go) built with the host's go and run on a real Go
// binary: the SBOM against the host's `go version -m` and the SPDX 2.3 JSON Schema, the provenance against
// what went in, the spec written by the converter's own recordsSpec.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { withProvenanceSubject } from "../../../src/build/records.js";
import { planDigest, type RecordsOptions, recordsSpec } from "../../../src/convert/records.js";
import { createPlan } from "../../../src/plan/create.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { spdx23Schema, validate } from "../../helpers/json-schema.js";
import { comparableView, goVersionM, sbomView, sourceTreeDigest } from "../../helpers/sbom.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";
import { tempDir } from "../support/temp-dir.js";

const dir = tempDir("rpk-records-test-");
const tool = path.join(dir, "rpk-zip");
const src = path.join(dir, "src");
const binary = path.join(dir, "bootstrap");
const sources = ["rpkzip.go", "rpkrecords.go", "rpkspdx.go"].map((f) =>
  path.resolve(new URL(`../../../src/convert/tools/${f}`, import.meta.url).pathname),
);
const plan = createPlan({ amd64: fakeAnalysis() }, { ...DEFAULT_SETTINGS, targets: ["cmd-api"] });
const target = plan.targets.find((t) => t.name === "cmd-api")!;
const ON: RecordsOptions = { sbom: true, provenance: true, rpkVersion: "1.2.3" };

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function run(args: string[]): void {
  execFileSync(tool, args, { stdio: "pipe" });
}

/** A module whose dependency is replaced by a local directory: `go version -m` prints a `=>` line for it. */
function writeModules(): void {
  write(
    path.join(src, "app/go.mod"),
    "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n\nreplace example.com/lib => ../lib\n",
  );
  write(
    path.join(src, "app/main.go"),
    'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Name) }\n',
  );
  write(path.join(src, "lib/go.mod"), "module example.com/lib\n\ngo 1.21\n");
  write(path.join(src, "lib/lib.go"), 'package lib\n\nconst Name = "lib"\n');
}

/** Compiles, zips and records as the LLB does, then runs the manifest step with a spec; returns the outputs. */
function buildOnce(out: string, options: RecordsOptions = ON) {
  const records = path.join(out, "records");
  run([
    "record",
    path.join(records, "cmd-api.zip.build.json"),
    src,
    binary,
    "--",
    tool,
    "zip",
    path.join(out, "cmd-api.zip"),
    path.join(records, "cmd-api.zip.sha256"),
    `bootstrap=${binary}:755`,
  ]);
  const spec = path.join(out, "spec.json");
  writeFileSync(spec, recordsSpec(plan, [{ target, file: "cmd-api.zip", subject: "artifact" }], options));
  const manifest = path.join(out, "dist/manifest.json");
  run(["manifest", manifest, records, "--records", spec, "lambda:cmd-api:x86_64:provided.al2023:cmd-api.zip"]);
  const read = (name: string) => readFileSync(path.join(out, "dist", name));
  return {
    read,
    zip: readFileSync(path.join(out, "cmd-api.zip")),
    manifest: JSON.parse(read("manifest.json").toString()),
  };
}

beforeAll(() => {
  execFileSync("go", ["build", "-trimpath", "-o", tool, ...sources], {
    env: { ...process.env, GO111MODULE: "off", CGO_ENABLED: "0" },
    stdio: "pipe",
  });
  writeModules();
  execFileSync("go", ["build", "-trimpath", "-o", binary, "."], {
    cwd: path.join(src, "app"),
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOPROXY: "off", GOWORK: "off", GOTOOLCHAIN: "local" },
    stdio: "pipe",
  });
}, 180_000);

describe("rpk-zip record + manifest --records", () => {
  it("writes an SBOM whose modules are `go version -m`'s, valid against the SPDX 2.3 schema", () => {
    const { read, manifest } = buildOnce(path.join(dir, "one"));
    expect(manifest.targets[0]).toMatchObject({ sbom: "cmd-api.spdx.json", provenance: "cmd-api.provenance.json" });
    const sbom = JSON.parse(read("cmd-api.spdx.json").toString());
    expect(validate(spdx23Schema(), sbom)).toEqual([]);
    // The check does check: a missing required field and an unknown package field are caught.
    const { spdxVersion: _, ...noVersion } = sbom;
    expect(validate(spdx23Schema(), noVersion)).toEqual(['$: missing required "spdxVersion"']);
    const extra = { ...sbom, packages: [{ ...sbom.packages[0], h1: "x" }] };
    expect(validate(spdx23Schema(), extra)).toEqual(['$.packages[0]: property "h1" is not allowed']);
    const fromBinary = comparableView(goVersionM(binary));
    expect(fromBinary.path).toBe("example.com/app");
    expect(fromBinary.deps).toEqual([
      { path: "example.com/lib", version: "v1.0.0", sum: "", replace: { path: "../lib", version: "(devel)", sum: "" } },
    ]);
    expect(sbomView(sbom)).toEqual(fromBinary);
    const artifact = sbom.packages.find((p: { SPDXID: string }) => p.SPDXID === "SPDXRef-Artifact");
    const binarySha = createHash("sha256").update(readFileSync(binary)).digest("hex");
    expect(artifact.checksums).toEqual([{ algorithm: "SHA256", checksumValue: binarySha }]);
    expect(sbom.documentNamespace).toBe(`urn:rpk:spdx:cmd-api:sha256:${binarySha}`);
    expect(sbom.creationInfo).toEqual({ created: "1980-01-01T00:00:00Z", creators: ["Tool: rpk-1.2.3"] });
    expect(sbom.relationships).toContainEqual({
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: "SPDXRef-Artifact",
    });
  });

  it("writes a SLSA v1 provenance statement about the zip, from the plan, the images and the sources", () => {
    const { read, zip } = buildOnce(path.join(dir, "two"));
    const statement = JSON.parse(read("cmd-api.provenance.json").toString());
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(statement.subject).toEqual([
      { name: "cmd-api.zip", digest: { sha256: createHash("sha256").update(zip).digest("hex") } },
    ]);
    const { buildDefinition, runDetails } = statement.predicate;
    expect(runDetails).toEqual({ builder: { id: "pkg:npm/rpk@1.2.3", version: { rpk: "1.2.3" } } });
    expect(buildDefinition.externalParameters).toMatchObject({ target: "cmd-api", build: target.build });
    expect(buildDefinition.internalParameters.goVersion).toBe(goVersionM(binary).go);
    const tree = sourceTreeDigest(src);
    expect(buildDefinition.resolvedDependencies).toEqual([
      // The plan's image reference as it is; a pinned one (`…@sha256:…`) also gives its digest.
      { uri: `docker-image://${plan.go.image}` },
      { name: "rpk.json", digest: { sha256: planDigest(plan) } },
      { name: "sources", digest: { sha256: tree.sha256 }, annotations: { files: tree.files } },
    ]);
    // JSON.stringify(…, null, 2) writes the same layout: a push may swap the subject without reformatting.
    expect(
      Buffer.from(withProvenanceSubject(read("cmd-api.provenance.json"), statement.subject[0])).equals(
        read("cmd-api.provenance.json"),
      ),
    ).toBe(true);
  });

  it("gives the same bytes on a rebuild, and nothing with both records off", () => {
    const first = buildOnce(path.join(dir, "a"));
    const second = buildOnce(path.join(dir, "b"));
    for (const name of ["cmd-api.spdx.json", "cmd-api.provenance.json", "manifest.json"]) {
      expect(second.read(name).equals(first.read(name))).toBe(true);
    }
    const off = buildOnce(path.join(dir, "off"), { ...ON, sbom: false, provenance: false });
    expect(off.manifest.targets[0].sbom).toBeUndefined();
    expect(off.manifest.targets[0].provenance).toBeUndefined();
    expect(() => off.read("cmd-api.spdx.json")).toThrow(/ENOENT/);
    expect(off.zip.equals(first.zip)).toBe(true);
  });
});
