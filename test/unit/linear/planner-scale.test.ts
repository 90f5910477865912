/**
 * Issue 13: the planner and the converter are near-linear in the number of targets (40,000 took 49 s, with
 * quadratic lookups in createPlan, sharedPackageGroups and the input dedup behind pbMounts), and a plan has a
 * target limit. Each check compares 1,000 against 8,000 (CPU time; linear: ~8×, quadratic: 64×).
 */
import { describe, expect, it } from "vitest";
import type { Analysis, MainPackage, PackageInfo } from "../../../src/analyze/types.js";
import { sharedPackageGroups } from "../../../src/convert/shared.js";
import { UserError } from "../../../src/errors.js";
import { marshal, mkdir, type PbInput, scratch } from "../../../src/llb/index.js";
import { addInput } from "../../../src/llb/vertex.js";
import { createPlan, DEFAULT_SETTINGS, type Plan } from "../../../src/plan/index.js";
import { MAX_TARGETS } from "../../../src/plan/patterns.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

/** A module with `count` Lambdas that share one internal package and embed a directory each. */
function treeWith(count: number): Analysis {
  const base = fakeAnalysis();
  const core: PackageInfo = { ...base.packages[0]!, dir: "./internal/core", name: "core", embedPatterns: [] };
  const packages: PackageInfo[] = [core];
  const mains: MainPackage[] = [];
  for (let i = 0; i < count; i++) {
    const dir = `./cmd/t${i}`;
    packages.push({ ...base.packages[0]!, dir, importPath: `example.com/app/cmd/t${i}`, embedPatterns: ["static"] });
    mains.push({ ...base.mains[0]!, dir, importPath: `example.com/app/cmd/t${i}`, localPackages: [dir, core.dir] });
  }
  return { ...base, packages, mains };
}

function cpuMs(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** `run(small)` eight times against `run(large)` once, as in linear.ts; the ratio must stay ≤ 16. */
function expectNearLinear<T>(small: T, large: T, run: (input: T) => unknown): void {
  run(small); // warm up
  const eightSmall = cpuMs(() => {
    for (let i = 0; i < 8; i++) run(small);
  });
  const largeMs = cpuMs(() => run(large));
  const smallMs = eightSmall / 8;
  expect(largeMs / smallMs, `1,000: ${smallMs.toFixed(1)} ms, 8,000: ${largeMs.toFixed(1)} ms`).toBeLessThanOrEqual(16);
}

const plan = (analysis: Analysis): Plan => createPlan({ amd64: analysis }, DEFAULT_SETTINGS);

describe("planner and converter scale", () => {
  const small = treeWith(1000);
  const large = treeWith(8000);

  it("createPlan", () => {
    expectNearLinear(small, large, plan);
  });

  it("sharedPackageGroups", () => {
    expectNearLinear(plan(small), plan(large), (p) => sharedPackageGroups(p, p.targets));
  });

  it("marshaling an exec with one mount per target (the zip step's shape)", () => {
    const withMounts = (count: number) =>
      scratch().run({
        args: ["true"],
        mounts: Array.from({ length: count }, (_, i) => ({
          type: "bind" as const,
          dest: `/in/${i}`,
          from: scratch().file(mkdir(`/d${i}`, 0o755)),
          readonly: true,
        })),
      });
    expectNearLinear(withMounts(1000), withMounts(8000), (state) => marshal(state.root(), { localUniqueId: "x" }));
  });

  it("the input dedup behind pbMounts and file ops (addInput)", () => {
    const inputs = (count: number): PbInput[] =>
      Array.from({ length: count * 2 }, (_, i) => ({ digest: `sha256:${(i % count).toString(16).padStart(64, "0")}` }));
    expectNearLinear(inputs(1000), inputs(8000), (all) => {
      const list: PbInput[] = [];
      for (const input of all) addInput(list, input);
      expect(list.length).toBe(all.length / 2);
    });
  });

  it(`more than ${MAX_TARGETS} targets is a UserError that says how to split the build`, () => {
    const analysis = treeWith(MAX_TARGETS + 1);
    expect(() => plan(analysis)).toThrow(UserError);
    expect(() => plan(analysis)).toThrow(
      `${MAX_TARGETS + 1} targets selected; rpk plans at most ${MAX_TARGETS} at a time`,
    );
    const some = createPlan({ amd64: analysis }, { ...DEFAULT_SETTINGS, targets: ["t1", "t2"] });
    expect(some.targets.map((t) => t.name)).toEqual(["t1", "t2"]);
  });
});
