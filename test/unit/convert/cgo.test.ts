import { describe, expect, it } from "vitest";
import { CGO_SYSROOT } from "../../../src/convert/cgo.js";
import { convertPlan } from "../../../src/convert/index.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import type { Plan } from "../../../src/plan/schema.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

const SAM_AL2023 = "public.ecr.aws/sam/build-provided.al2023:latest";

function decode(state: State) {
  const decoded = decodeDefinition(marshal(state, {}).bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const byDigest = new Map(decoded.ops.map(({ digest, op }) => [digest, op]));
  const named = (name: string) => {
    const found = decoded.ops.find(({ digest }) => decoded.metadata[digest]?.description?.["llb.customname"] === name);
    if (!found) throw new Error(`no vertex "${name}"`);
    return found;
  };
  const inputOf = (op: AnyOp, dest: string): { digest: string; op: AnyOp } => {
    const mount = op.exec.mounts.find((m: AnyOp) => m.dest === dest);
    const digest = op.inputs[Number(mount.input ?? 0)].digest;
    return { digest, op: byDigest.get(digest)! };
  };
  return { named, inputOf, byDigest };
}

function plan(settings: Partial<PlanSettings> = {}, arch: "amd64" | "arm64" = "amd64"): Plan {
  return createPlan(
    { [arch]: fakeAnalysis(arch === "arm64" ? { arch } : {}) },
    { ...DEFAULT_SETTINGS, ...(arch === "arm64" ? { arch: "arm64" as const } : {}), ...settings },
  );
}

describe("cgo compiles in the runtime's build image with the golang image's Go", () => {
  const p = plan({ targets: ["native"] });
  const ops = decode(convertPlan(p, {}).zip!);
  const compile = ops.named("[native] go build ./native (linux/amd64) → native.zip");

  it("roots the compile on the build image with /usr/local/go replaced by the golang image's, after the download", () => {
    const root = ops.inputOf(compile.op, "/");
    expect(ops.named(`[cgo] copy Go into ${SAM_AL2023}`).digest).toBe(root.digest);
    const [remove, copy] = root.op.file.actions;
    expect(remove.rm.path).toBe("/usr/local/go");
    expect(remove.rm.allowNotFound).toBe(true);
    expect([copy.copy.src, copy.copy.dest]).toEqual(["/usr/local/go", "/usr/local/go"]);
    // The C build image, pulled for the build platform.
    const base = ops.byDigest.get(root.op.inputs[0].digest)!;
    expect(base.source.identifier).toBe(`docker-image://${SAM_AL2023}`);
    expect(base.platform.Architecture).toBe("amd64");
    // Go comes from the golang image's download step, so the compile also starts after the download.
    expect(root.op.inputs[1].digest).toBe(ops.named("[modules] go mod download").digest);
    const download = ops.named("[modules] go mod download").op;
    const golang = ops.byDigest.get(download.inputs[0].digest)!;
    expect(golang.source.identifier).toBe(`docker-image://${p.go.image}`);
  });

  it("runs go with the shared Go environment and caches, natively without a cross compiler", () => {
    const { env, args } = compile.op.exec.meta;
    expect(env).toEqual(expect.arrayContaining(["GOTOOLCHAIN=local", "CGO_ENABLED=1", "GOARCH=amd64"]));
    expect(env.find((e: string) => e.startsWith("PATH="))).toContain("/usr/local/go/bin");
    expect(env.some((e: string) => e.startsWith("CC="))).toBe(false);
    expect(args[0]).toBe("/rpk/rpk-zip");
    const caches = compile.op.exec.mounts.filter((m: AnyOp) => m.cacheOpt).map((m: AnyOp) => m.cacheOpt.ID);
    // A build cache of its own per C build image: cgo objects made for another glibc must not be linked in.
    expect(caches.sort()).toEqual([
      "rpk-go-build-cache-cgo-public.ecr.aws_sam_build-provided.al2023_latest",
      "rpk-go-mod-cache",
    ]);
    expect(compile.op.exec.mounts.some((m: AnyOp) => m.dest === CGO_SYSROOT)).toBe(false);
  });

  it("takes Go from --go-image for cgo targets too", () => {
    const custom = decode(convertPlan(plan({ targets: ["native"], goImage: "registry.example.com/go:9" }), {}).zip!);
    const download = custom.named("[modules] go mod download").op;
    expect(custom.byDigest.get(download.inputs[0].digest)!.source.identifier).toBe(
      "docker-image://registry.example.com/go:9",
    );
    const copy = custom.named(`[cgo] copy Go into ${SAM_AL2023}`).op;
    expect(copy.inputs[1].digest).toBe(custom.named("[modules] go mod download").digest);
  });
});

describe("cgo for another architecture than the build platform's", () => {
  const p = plan({ targets: ["native"] }, "arm64");
  const ops = decode(convertPlan(p, {}).zip!);
  const compile = ops.named("[native] go build ./native (linux/arm64) → native.zip");

  it("mounts the target-arch build image read-only as a sysroot and names the GNU cross compiler", () => {
    const sysroot = compile.op.exec.mounts.find((m: AnyOp) => m.dest === CGO_SYSROOT);
    expect(sysroot.readonly).toBe(true);
    const image = ops.inputOf(compile.op, CGO_SYSROOT).op;
    expect(image.source.identifier).toBe(`docker-image://${SAM_AL2023}`);
    expect(image.platform.Architecture).toBe("arm64");
    // The compile itself runs on the build platform's image: cross-compiled, not emulated.
    const root = ops.inputOf(compile.op, "/").op;
    expect(ops.byDigest.get(root.inputs[0].digest)!.platform.Architecture).toBe("amd64");
    expect(compile.op.exec.meta.env).toEqual(
      expect.arrayContaining([
        `CC=aarch64-linux-gnu-gcc --sysroot=${CGO_SYSROOT}`,
        `CXX=aarch64-linux-gnu-g++ --sysroot=${CGO_SYSROOT}`,
        "GOARCH=arm64",
      ]),
    );
  });

  it("fails with one line naming the ways out when the image has no cross compiler", () => {
    const [sh, flag, script, name, ...rest] = compile.op.exec.meta.args;
    expect([sh, flag, name]).toEqual(["/bin/sh", "-c", "rpk-cgo"]);
    expect(script).toMatch(
      /^command -v aarch64-linux-gnu-gcc >\/dev\/null 2>&1 \|\| \{ echo '[^'\n]+' >&2; exit 1; \}; exec "\$@"$/,
    );
    expect(script).toContain(
      `target "native" needs a C cross compiler for arm64, and ${SAM_AL2023} has no aarch64-linux-gnu-gcc`,
    );
    expect(script).toContain("overrides.native.env");
    expect(script).toContain("--cgo-image");
    expect(rest[0]).toBe("/rpk/rpk-zip");
  });

  it("leaves a user's CC alone (the sysroot stays mounted for it)", () => {
    const withCC = plan({ targets: ["native"], overrides: { native: { env: { CC: "zig cc" } } } }, "arm64");
    const custom = decode(convertPlan(withCC, {}).zip!);
    const op = custom.named("[native] go build ./native (linux/arm64) → native.zip").op;
    expect(op.exec.meta.args[0]).toBe("/rpk/rpk-zip");
    expect(op.exec.meta.env).toContain("CC=zig cc");
    expect(op.exec.meta.env.some((e: string) => e.startsWith("CXX="))).toBe(false);
    expect(op.exec.mounts.some((m: AnyOp) => m.dest === CGO_SYSROOT)).toBe(true);
  });

  it("does not cross when the daemon is of the target's architecture", () => {
    const native = decode(convertPlan(p, { buildPlatform: { os: "linux", architecture: "arm64" } }).zip!);
    const op = native.named("[native] go build ./native (linux/arm64) → native.zip").op;
    expect(op.exec.meta.args[0]).toBe("/rpk/rpk-zip");
    expect(op.exec.meta.env.some((e: string) => e.startsWith("CC="))).toBe(false);
  });
});
