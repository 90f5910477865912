import { describe, expect, it } from "vitest";
import { convertPlan } from "../../../src/convert/index.js";
import { planDigest, type RecordsOptions } from "../../../src/convert/records.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import type { Plan } from "../../../src/plan/schema.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

function planOf(extra: Partial<PlanSettings> = {}): Plan {
  return createPlan({ amd64: fakeAnalysis() }, { ...DEFAULT_SETTINGS, ...extra });
}

function opsByName(state: State) {
  const decoded = decodeDefinition(marshal(state, {}).bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const byName = new Map<string, { digest: string; op: AnyOp }>();
  const byDigest = new Map<string, AnyOp>();
  for (const { digest, op } of decoded.ops) {
    byDigest.set(digest, op);
    const name = decoded.metadata[digest]?.description?.["llb.customname"];
    if (name) byName.set(name, { digest, op });
  }
  const get = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new Error(`no vertex "${name}" in ${[...byName.keys()].join(" | ")}`);
    return found;
  };
  return { get, byDigest };
}

const ON: RecordsOptions = { sbom: true, provenance: true, rpkVersion: "9.8.7" };
const OFF: RecordsOptions = { sbom: false, provenance: false, rpkVersion: "9.8.7" };
const ZIP_COMPILE = "[cmd-api] go build ./cmd/api (linux/amd64) → cmd-api.zip";

describe("records in the zip output's LLB", () => {
  const plan = planOf({ targets: ["cmd-api", "tool"] });
  const withRecords = opsByName(convertPlan(plan, { records: ON }).zip!);
  const without = opsByName(convertPlan(plan, { records: OFF }).zip!);
  const none = opsByName(convertPlan(plan).zip!);

  it("leaves every compile as it is: switching records on or off never recompiles", () => {
    expect(withRecords.get(ZIP_COMPILE).digest).toBe(without.get(ZIP_COMPILE).digest);
    expect(withRecords.get("[tool] go build ./cmd/tool (linux/amd64)").digest).toBe(
      without.get("[tool] go build ./cmd/tool (linux/amd64)").digest,
    );
  });

  it("has the manifest step write them from a spec and each compile's build record", () => {
    const manifest = withRecords.get("[output] manifest.json").op;
    expect(manifest.exec.meta.args.slice(1, 6)).toEqual([
      "manifest",
      "/out/manifest.json",
      "/digest",
      "--records",
      "/spec/records-spec.json",
    ]);
    const records = manifest.exec.mounts.filter((m: AnyOp) => m.dest.endsWith(".build.json"));
    expect(records.map((m: AnyOp) => [m.dest, m.selector, m.readonly])).toEqual([
      ["/digest/cmd-api.zip.build.json", "/cmd-api.zip.build.json", true],
      ["/digest/tool.build.json", "/tool.build.json", true],
    ]);
    // Each build record comes from the compile's /digest output.
    const zipRecord = records[0];
    expect(manifest.inputs[Number(zipRecord.input)].digest).toBe(withRecords.get(ZIP_COMPILE).digest);
  });

  it("writes a spec with what only the converter knows: builder version, plan digest, images, parameters", () => {
    const specOp = withRecords.get("[output] records spec").op;
    const action = specOp.file.actions[0].mkfile;
    expect(action.path).toBe("/records-spec.json");
    const spec = JSON.parse(Buffer.from(action.data, "base64").toString("utf8"));
    expect(spec).toMatchObject({
      sbom: true,
      provenance: true,
      created: "1980-01-01T00:00:00Z",
      builder: { id: "pkg:npm/rpk@9.8.7", version: "9.8.7" },
      plan: { sha256: planDigest(plan) },
    });
    const api = plan.targets.find((t) => t.name === "cmd-api")!;
    expect(spec.targets.map((t: AnyOp) => [t.name, t.file, t.subject])).toEqual([
      ["cmd-api", "cmd-api.zip", "artifact"],
      ["tool", "tool", "artifact"],
    ]);
    expect(spec.targets[0].images).toEqual([plan.go.image]);
    expect(spec.targets[0].parameters).toEqual({
      target: "cmd-api",
      kind: "lambda",
      module: api.module,
      package: api.package,
      arch: api.arch,
      runtime: api.runtime,
      cgo: false,
      build: api.build,
    });
  });

  it("with both off, the manifest step is the one a build without records has", () => {
    expect(without.get("[output] manifest.json").digest).toBe(none.get("[output] manifest.json").digest);
    expect(without.get("[output] manifest.json").op.exec.meta.args).not.toContain("--records");
  });
});

describe("records of image output", () => {
  const plan: Plan = { ...planOf({ targets: ["cmd-api"] }), artifact: "image" };

  it("are a state of their own beside the image, made from the compile's build record", () => {
    const [image] = convertPlan(plan, { records: ON }).images;
    expect(image!.records).toBeDefined();
    const ops = opsByName(image!.records!);
    const step = ops.get("[cmd-api] SBOM and provenance").op;
    expect(step.exec.meta.args.slice(1)).toEqual(["records", "/out", "/spec/records-spec.json", "/digest"]);
    const spec = JSON.parse(
      Buffer.from(ops.get("[output] records spec").op.file.actions[0].mkfile.data, "base64").toString(),
    );
    expect(spec.targets[0]).toMatchObject({ name: "cmd-api", file: "bootstrap", subject: "binary" });
    // The image's compile keeps the binary at /bootstrap (rpk-zip digest mode), as the image needs it.
    const compile = ops.get("[cmd-api] go build ./cmd/api (linux/amd64)").op;
    expect(compile.exec.meta.args.slice(0, 9)).toEqual([
      "/rpk/rpk-zip",
      "record",
      "/digest/bootstrap.build.json",
      "/src",
      "/out/bootstrap",
      "--",
      "/rpk/rpk-zip",
      "digest",
      "/digest/bootstrap.sha256",
    ]);
  });

  it("without records the image build is the one it always was (no rpk-zip)", () => {
    const [off] = convertPlan(plan, { records: OFF }).images;
    const [absent] = convertPlan(plan).images;
    expect(off!.records).toBeUndefined();
    expect(Buffer.from(marshal(off!.state, {}).bytes).equals(Buffer.from(marshal(absent!.state, {}).bytes))).toBe(true);
    const compile = opsByName(off!.state).get("[cmd-api] go build ./cmd/api (linux/amd64)").op;
    expect(compile.exec.meta.args[0]).toBe("go");
  });
});
