import { describe, expect, it } from "vitest";
import { convertPlan, lambdaImageConfig, zipOutput } from "../../../src/convert/index.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import type { Plan } from "../../../src/plan/schema.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// Decoded protobuf objects are walked dynamically in these assertions.
// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

function planOf(extra: Partial<PlanSettings> = {}): Plan {
  return createPlan({ amd64: fakeAnalysis() }, { ...DEFAULT_SETTINGS, ...extra });
}

/** Decoded ops by vertex name (llb.customname), plus every op's metadata. */
function opsByName(state: State) {
  const def = marshal(state, {});
  const decoded = decodeDefinition(def.bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const byName = new Map<string, { digest: string; op: AnyOp; meta: AnyOp }>();
  const byDigest = new Map<string, AnyOp>();
  for (const { digest, op } of decoded.ops) {
    byDigest.set(digest, op);
    const meta = decoded.metadata[digest] ?? {};
    const name = meta.description?.["llb.customname"];
    if (name) byName.set(name, { digest, op, meta });
  }
  return { byName, byDigest, metadata: decoded.metadata, bytes: def.bytes };
}

const get = (ops: ReturnType<typeof opsByName>, name: string) => {
  const found = ops.byName.get(name);
  if (!found) throw new Error(`no vertex "${name}" in ${[...ops.byName.keys()].join(" | ")}`);
  return found;
};

describe("convertPlan (zip)", () => {
  const plan = planOf({ targets: ["cmd-api", "tool"] });
  const ops = opsByName(
    convertPlan(plan, { goEnv: { GOPROXY: "https://proxy.example", GOPATH: "/nope" } as never }).zip!,
  );

  it("downloads modules from a state that holds only the module files", () => {
    const download = get(ops, "[modules] go mod download");
    expect(download.op.exec.meta.args).toEqual(["go", "mod", "download"]);
    const src = download.op.exec.mounts.find((m: AnyOp) => m.dest === "/src");
    const modFilesOp = ops.byDigest.get(download.op.inputs[Number(src.input ?? 0)].digest)!;
    expect(modFilesOp.file.actions[0].copy.include_patterns).toEqual(["go.mod", "go.sum"]);
    const cache = download.op.exec.mounts.find((m: AnyOp) => m.dest === "/go/pkg/mod");
    expect(cache.cacheOpt.ID).toBe("rpk-go-mod-cache");
    expect(download.op.exec.meta.env).toContain("GOPROXY=https://proxy.example");
    // Only the documented passthrough variables reach the build.
    expect(download.op.exec.meta.env.join(" ")).not.toContain("/nope");
  });

  it("compiles each target against its own source slice with the plan's flags", () => {
    const compile = get(ops, "[tool] go build ./cmd/tool (linux/amd64)");
    const meta = compile.op.exec.meta;
    // rpk-zip record wraps the compile (build info and source digest for the records), then digest.
    expect(meta.args).toEqual([
      "/rpk/rpk-zip",
      "record",
      "/digest/tool.build.json",
      "/src",
      "/out/tool",
      "--",
      "/rpk/rpk-zip",
      "digest",
      "/digest/tool.sha256",
      "/out/tool",
      "--",
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-ldflags=-s -w",
      "-o",
      "/out/tool",
      "./cmd/tool",
    ]);
    expect(meta.env).toEqual(
      expect.arrayContaining(["GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOTOOLCHAIN=local"]),
    );
    const src = compile.op.exec.mounts.find((m: AnyOp) => m.dest === "/src");
    expect(src.readonly).toBe(true);
    const slice = get(ops, "[tool] select sources");
    expect(compile.op.inputs[Number(src.input ?? 0)].digest).toBe(slice.digest);
    expect(slice.op.file.actions[0].copy.include_patterns).toEqual(
      plan.targets.find((t) => t.name === "tool")!.include,
    );
    const caches = compile.op.exec.mounts.filter((m: AnyOp) => m.cacheOpt).map((m: AnyOp) => m.cacheOpt.ID);
    expect(caches.sort()).toEqual(["rpk-go-build-cache", "rpk-go-mod-cache"]);
    // go's work files go to a tmpfs, never into a committed layer.
    expect(compile.op.exec.mounts.find((m: AnyOp) => m.dest === "/tmp").mountType).toBe("TMPFS");
    // The compile starts after the module download: its root is the download step's root.
    const root = compile.op.exec.mounts.find((m: AnyOp) => m.dest === "/");
    expect(compile.op.inputs[Number(root.input ?? 0)].digest).toBe(get(ops, "[modules] go mod download").digest);
  });

  it("compiles and zips a Lambda in one container, keeps commands as binaries, and writes the manifest last", () => {
    const compile = get(ops, "[cmd-api] go build ./cmd/api (linux/amd64) → cmd-api.zip");
    expect(compile.op.exec.meta.args).toEqual([
      "/rpk/rpk-zip",
      "record",
      "/digest/cmd-api.zip.build.json",
      "/src",
      "/tmp/bootstrap",
      "--",
      "/rpk/rpk-zip",
      "zip",
      "/out/cmd-api.zip",
      "/digest/cmd-api.zip.sha256",
      "bootstrap=/tmp/bootstrap:755",
      "--",
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-tags=lambda.norpc",
      "-ldflags=-s -w",
      "-o",
      "/tmp/bootstrap",
      "./cmd/api",
    ]);
    const tool = compile.op.exec.mounts.find((m: AnyOp) => m.dest === "/rpk");
    expect(tool.readonly).toBe(true);
    expect(compile.op.inputs[Number(tool.input)].digest).toBe(get(ops, "[output] build rpk-zip").digest);
    const manifest = get(ops, "[output] manifest.json");
    expect(manifest.op.exec.network).toBe("NONE"); // reading digest records needs no network
    expect(manifest.op.exec.meta.args.slice(3)).toEqual([
      "/digest",
      "lambda:cmd-api:x86_64:provided.al2023:cmd-api.zip",
      "command:tool:x86_64::tool",
    ]);
  });

  it("merges the artifacts and the manifest as they are; the manifest reads each compile's digest record", () => {
    const manifest = get(ops, "[output] manifest.json");
    const inputs = manifest.op.exec.mounts.filter((m: AnyOp) => m.dest.startsWith("/digest/"));
    expect(inputs.map((m: AnyOp) => [m.dest, m.selector, m.readonly])).toEqual([
      ["/digest/cmd-api.zip.sha256", "/cmd-api.zip.sha256", true],
      ["/digest/tool.sha256", "/tool.sha256", true],
    ]);
    const zip = get(ops, "[cmd-api] go build ./cmd/api (linux/amd64) → cmd-api.zip");
    const tool = get(ops, "[tool] go build ./cmd/tool (linux/amd64)");
    // Each record is the compile's /digest output, not its /out (the artifact).
    const outputOf = (compile: typeof zip, dest: string) =>
      Number(compile.op.exec.mounts.find((m: AnyOp) => m.dest === dest).output ?? 0);
    expect(outputOf(zip, "/digest")).not.toBe(outputOf(zip, "/out"));
    const mountedFrom = inputs.map((m: AnyOp) => manifest.op.inputs[Number(m.input)]);
    expect(mountedFrom.map((i: AnyOp) => [i.digest, Number(i.index ?? 0)])).toEqual([
      [zip.digest, outputOf(zip, "/digest")],
      [tool.digest, outputOf(tool, "/digest")],
    ]);
    // The output is the last op: a merge of both artifacts (each compile's /out) and the manifest step's /out.
    const output = get(ops, "[output] zips + manifest.json");
    expect(output.op.merge.inputs).toHaveLength(3);
    expect(output.op.inputs.map((i: AnyOp) => [i.digest, Number(i.index ?? 0)])).toEqual([
      [zip.digest, outputOf(zip, "/out")],
      [tool.digest, outputOf(tool, "/out")],
      [manifest.digest, outputOf(manifest, "/out")],
    ]);
  });

  it("is byte-identical every time and marks every op ignoreCache under noCache", () => {
    const again = opsByName(convertPlan(plan, { goEnv: { GOPROXY: "https://proxy.example" } }).zip!);
    expect(Buffer.from(again.bytes).equals(Buffer.from(ops.bytes))).toBe(true);
    const noCache = opsByName(convertPlan(plan, { noCache: true }).zip!);
    const withOps = Object.values(noCache.metadata).filter((m) => m.description);
    expect(withOps.length).toBeGreaterThan(5);
    for (const meta of withOps) expect(meta.ignore_cache).toBe(true);
  });
});

describe("convertPlan (checks)", () => {
  it("rejects unknown targets with the plan's names", () => {
    expect(() => convertPlan(planOf(), { targets: ["nope"] })).toThrow(/unknown target "nope".*cmd-api/);
  });

  it("refuses a hand-edited cgo image with a glibc newer than the runtime's", () => {
    const plan = planOf();
    const edited: Plan = {
      ...plan,
      targets: plan.targets.map((t) => (t.cgo ? { ...t, image: "docker.io/library/golang:1.26.8-bookworm" } : t)),
    };
    expect(() => convertPlan(edited, {})).toThrow(/glibc 2\.36, newer than provided\.al2023's 2\.34/);
  });
});

describe("convertPlan (image)", () => {
  const base = {
    architecture: "amd64",
    os: "linux",
    created: "2025-06-01T00:00:00Z",
    config: { Env: ["LAMBDA_TASK_ROOT=/var/task"], Entrypoint: ["/lambda-entrypoint.sh"], WorkingDir: "/var/task" },
    history: [{ created: "2025-06-01T00:00:00Z", created_by: "base" }],
    rootfs: { type: "layers", diff_ids: ["sha256:aa"] },
  };

  it("puts bootstrap at /var/runtime/bootstrap (0755) on the runtime's base image and keeps its config", () => {
    const plan = { ...planOf({ targets: ["cmd-api"] }), artifact: "image" as const };
    const result = convertPlan(plan, { baseImageConfig: () => base });
    expect(result.images).toHaveLength(1);
    const ops = opsByName(result.images[0]!.state);
    const staged = get(ops, "[cmd-api] stage bootstrap").op;
    expect(staged.file.actions[0].copy).toMatchObject({
      src: "/bootstrap",
      dest: "/var/runtime/bootstrap",
      mode: 0o755,
    });
    // The layer is re-copied as a whole tree at the epoch, so no directory keeps the build's clock.
    const layer = get(ops, "[cmd-api] COPY bootstrap /var/runtime/bootstrap").op;
    expect(layer.file.actions[0].copy).toMatchObject({ src: "/", dest: "/" });
    // proto3 omits a zero timestamp; unset would be -1.
    expect(String(layer.file.actions[0].copy.timestamp ?? 0)).toBe("0");
    expect(get(ops, "[cmd-api] Lambda image").op.merge.inputs).toHaveLength(2);
    const source = [...ops.byDigest.values()].find((op) => op.source)!;
    expect(source.source.identifier).toBe("docker-image://public.ecr.aws/lambda/provided:al2023");
    const config = result.images[0]!.config!;
    expect(config.config).toEqual({ ...base.config, Cmd: ["bootstrap"] });
    expect(config.created).toBe(base.created);
    expect((config.history as unknown[]).length).toBe(2);
  });

  it("derives the config from the base only (no clock)", () => {
    const target = planOf().targets[0]!;
    const a = lambdaImageConfig(base, target, { os: "linux", architecture: "arm64" });
    expect(a.architecture).toBe("arm64");
    expect(JSON.stringify(a)).toBe(
      JSON.stringify(lambdaImageConfig(base, target, { os: "linux", architecture: "arm64" })),
    );
  });
});

describe("convertPlan (zip): the pieces --keep-going rebuilds from", () => {
  const plan = planOf({ targets: ["cmd-api", "tool"] });
  const converted = convertPlan(plan, {});
  const parts = converted.zipParts!;

  it("rebuilds the full output byte-identically from the parts", () => {
    expect(
      Buffer.from(marshal(zipOutput(parts), {}).bytes).equals(Buffer.from(marshal(converted.zip!, {}).bytes)),
    ).toBe(true);
  });

  it("captures a failed compile's output uncached, with the same go build, without failing the step", () => {
    const api = parts.artifacts.find((a) => a.target.name === "cmd-api")!;
    const capture = get(opsByName(api.capture), "[cmd-api] go build ./cmd/api (linux/amd64) (compiler output)");
    expect(capture.op.exec.meta.args.slice(0, 4)).toEqual(["/rpk/rpk-zip", "capture", "/digest/cmd-api.zip.log", "--"]);
    expect(capture.op.exec.meta.args.slice(4)).toEqual([
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-tags=lambda.norpc",
      "-ldflags=-s -w",
      "-o",
      "/tmp/bootstrap",
      "./cmd/api",
    ]);
    expect(capture.meta.ignore_cache).toBe(true);
  });

  it("a partial output merges only the good artifacts and lists the failed in the manifest step", () => {
    const [api, tool] = [
      parts.artifacts.find((a) => a.target.name === "cmd-api")!,
      parts.artifacts.find((a) => a.target.name === "tool")!,
    ];
    const partial = opsByName(
      zipOutput({ ...parts, artifacts: [tool], failed: [{ target: api.target, file: api.file, log: api.capture }] }),
    );
    const manifest = get(partial, "[output] manifest.json");
    expect(manifest.op.exec.meta.args.slice(3)).toEqual([
      "/digest",
      "command:tool:x86_64::tool",
      "failed:cmd-api:cmd-api.zip",
    ]);
    const logs = manifest.op.exec.mounts.filter((m: AnyOp) => m.dest.endsWith(".log"));
    expect(logs.map((m: AnyOp) => [m.dest, m.selector, m.readonly])).toEqual([
      ["/digest/cmd-api.zip.log", "/cmd-api.zip.log", true],
    ]);
    expect(get(partial, "[output] zips + manifest.json").op.merge.inputs).toHaveLength(2);
  });
});
