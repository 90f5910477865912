import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { convertPlan } from "../../../src/convert/index.js";
import { sharedPackageGroups } from "../../../src/convert/shared.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import { planDirectory } from "../../../src/plan/index.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples");

function vertexes(state: State) {
  const decoded = decodeDefinition(marshal(state, {}).bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const byName = new Map<string, { digest: string; op: AnyOp }>();
  const nameOf = new Map<string, string>();
  for (const { digest, op } of decoded.ops) {
    const name = decoded.metadata[digest]?.description?.["llb.customname"];
    if (name) {
      byName.set(name, { digest, op });
      nameOf.set(digest, name);
    }
  }
  /** The name of the vertex behind an exec's mount at `dest`. */
  const inputAt = (name: string, dest: string): string | undefined => {
    const { op } = byName.get(name) ?? { op: undefined };
    if (!op) throw new Error(`no vertex "${name}" in ${[...byName.keys()].join(" | ")}`);
    const mount = op.exec.mounts.find((m: AnyOp) => m.dest === dest);
    return nameOf.get(op.inputs[Number(mount.input ?? 0)].digest);
  };
  return { byName, inputAt };
}

const planOf = (extra: Partial<PlanSettings> = {}) =>
  createPlan({ amd64: fakeAnalysis() }, { ...DEFAULT_SETTINGS, ...extra });

describe("shared packages", () => {
  it("groups targets by build configuration and keeps the non-main packages two or more of them include", () => {
    const plan = planOf();
    const groups = sharedPackageGroups(plan, plan.targets);
    // The command builds without lambda.norpc and the cgo target with CGO_ENABLED=1: each alone in its group.
    expect(groups.map((g) => ({ targets: g.targets.map((t) => t.name), dirs: g.packageDirs, cwd: g.cwd }))).toEqual([
      { targets: ["cmd-api", "lambdas-api"], dirs: ["internal/core"], cwd: "" },
    ]);
  });

  it("compiles them once, before the compiles and rpk-zip, from a slice without the targets' own sources", () => {
    const plan = planOf();
    const { byName, inputAt } = vertexes(convertPlan(plan, {}).zip!);
    const shared = byName.get("[shared] go build ./internal/core (linux/amd64)")!;
    expect(shared.op.exec.meta.args).toEqual([
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-tags=lambda.norpc",
      "./internal/core",
    ]);
    expect(inputAt("[shared] go build ./internal/core (linux/amd64)", "/")).toBe("[modules] go mod download");
    const slice = byName.get("[shared] select sources (linux/amd64)")!;
    expect(slice.op.file.actions[0].copy.include_patterns).toEqual(["go.mod", "go.sum", "internal/core/*.go"]);
    for (const name of ["cmd-api", "lambdas-api"]) {
      const compile = [...byName.keys()].find((n) => n.startsWith(`[${name}] go build`))!;
      expect(inputAt(compile, "/")).toBe("[shared] go build ./internal/core (linux/amd64)");
    }
    expect(inputAt("[output] build rpk-zip", "/")).toBe("[shared] go build ./internal/core (linux/amd64)");
    // A lone configuration gains nothing from a separate step.
    expect(inputAt("[tool] go build ./cmd/tool (linux/amd64)", "/")).toBe("[modules] go mod download");
  });

  it("gives a vendored module's compile of the shared packages its vendor tree", () => {
    const base = fakeAnalysis();
    const vendored = { ...base, modules: base.modules.map((m) => ({ ...m, hasVendor: true })) };
    const plan = createPlan({ amd64: vendored }, DEFAULT_SETTINGS);
    expect(plan.modules[0]!.vendor).toBe(true);
    const { byName } = vertexes(convertPlan(plan, {}).zip!);
    const slice = byName.get("[shared] select sources (linux/amd64)")!;
    expect(slice.op.file.actions[0].copy.include_patterns).toEqual([
      "go.mod",
      "go.sum",
      "vendor/**",
      "internal/core/*.go",
    ]);
    // The compiles see it too, through their own include lists.
    expect(plan.targets.find((t) => t.name === "cmd-api")!.include).toContain("vendor/**");
  });

  it("adds no step for a single target", () => {
    const plan = planOf({ targets: ["cmd-api"] });
    expect(sharedPackageGroups(plan, plan.targets)).toEqual([]);
    expect([...vertexes(convertPlan(plan, {}).zip!).byName.keys()].some((n) => n.startsWith("[shared]"))).toBe(false);
  });

  it("builds a go.work workspace's shared library from the workspace root, leaving each service's files out", async () => {
    const { plan } = await planDirectory(path.join(examples, "workspace"), DEFAULT_SETTINGS);
    const [group, ...rest] = sharedPackageGroups(plan, plan.targets);
    expect(rest).toEqual([]);
    expect(group!.targets.map((t) => t.name)).toEqual(["orders", "users"]);
    expect(group!.cwd).toBe("");
    expect(group!.packageDirs).toEqual(["libs/shared/greet"]);
    // users embeds greeting.txt from its own package: not a shared input.
    expect(group!.extraIncludes).toEqual([]);
  });

  it("finds the packages the monorepo's Lambdas share, but not the command's", async () => {
    const { plan } = await planDirectory(path.join(examples, "monorepo"), DEFAULT_SETTINGS);
    const groups = sharedPackageGroups(plan, plan.targets);
    expect(groups.map((g) => [g.targets.map((t) => t.name), g.packageDirs])).toEqual([
      [
        ["api", "thumbnail", "worker"],
        ["internal/orders", "internal/runtime"],
      ],
    ]);
  });
});
