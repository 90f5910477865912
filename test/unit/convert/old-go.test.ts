import { describe, expect, it } from "vitest";
import { convertPlan } from "../../../src/convert/index.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

function decoded(state: State) {
  const def = decodeDefinition(marshal(state, {}).bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const byDigest = new Map(def.ops.map(({ digest, op }) => [digest, op]));
  const byName = (name: string): AnyOp => {
    const found = def.ops.find(({ digest }) => def.metadata[digest]?.description?.["llb.customname"] === name);
    if (!found) throw new Error(`no vertex "${name}"`);
    return found.op;
  };
  /** The image an exec's root filesystem starts from, following root mounts back to the source op. */
  const rootImage = (op: AnyOp): string => {
    let current = op;
    while (!current.source) {
      const root = current.exec.mounts.find((m: AnyOp) => m.dest === "/");
      current = byDigest.get(current.inputs[Number(root.input ?? 0)].digest)!;
    }
    return current.source.identifier;
  };
  return { byName, rootImage };
}

const goVersion = (version: string) => ({ version, source: "go.mod go", file: "go.mod", patchFromTable: true });
const zipOf = (version: string) => {
  const plan = createPlan(
    { amd64: fakeAnalysis({ goVersion: goVersion(version) }) },
    { ...DEFAULT_SETTINGS, targets: ["cmd-api", "tool"] },
  );
  return decoded(convertPlan(plan).zip!);
};

describe("LLB of a plan on older Go", () => {
  it("Go 1.16: rpk-zip compiles in rpk's tool image, the targets in the plan's image without -buildvcs", () => {
    const llb = zipOf("1.16.15");
    expect(llb.rootImage(llb.byName("[output] build rpk-zip"))).toBe(
      "docker-image://docker.io/library/golang:1.27.4-bookworm",
    );
    const compile = llb.byName("[cmd-api] go build ./cmd/api (linux/amd64) → cmd-api.zip");
    expect(llb.rootImage(compile)).toBe("docker-image://docker.io/library/golang:1.16.15-bullseye");
    expect(compile.exec.meta.args).toContain("-trimpath");
    expect(compile.exec.meta.args.join(" ")).not.toContain("buildvcs");
    expect(llb.rootImage(llb.byName("[output] manifest.json"))).toBe(
      "docker-image://docker.io/library/golang:1.16.15-bullseye",
    );
  });

  it("Go 1.26: rpk-zip compiles in the plan's own image (no extra pull)", () => {
    const llb = zipOf("1.26.8");
    expect(llb.rootImage(llb.byName("[output] build rpk-zip"))).toBe(
      "docker-image://docker.io/library/golang:1.26.8-bookworm",
    );
    const compile = llb.byName("[cmd-api] go build ./cmd/api (linux/amd64) → cmd-api.zip");
    expect(compile.exec.meta.args).toContain("-buildvcs=false");
  });
});
