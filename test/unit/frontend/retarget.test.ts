import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeSettings, planDirectory } from "../../../src/plan/index.js";
import { retargetPlan } from "../../../src/plan/retarget.js";
import { repoRoot } from "../../helpers/run-cli.js";

const plan = async (example: string, flags: Parameters<typeof mergeSettings>[1]) =>
  (await planDirectory(join(repoRoot, "examples", example), mergeSettings(undefined, flags))).plan;

describe("retargetPlan", () => {
  it.each(["hello", "monorepo", "workspace"])(
    "an x86_64 plan of %s retargeted to arm64 is the plan rpk plan --arch arm64 writes",
    async (example) => {
      const amd64 = await plan(example, {});
      expect(amd64.targets.every((t) => t.arch === "x86_64")).toBe(true);
      expect(retargetPlan(amd64, { arch: "arm64" })).toEqual(await plan(example, { arch: "arm64" }));
    },
  );

  it("applies runtime and artifact like rpk plan --runtime --artifact", async () => {
    const base = await plan("monorepo", {});
    expect(retargetPlan(base, { runtime: "provided.al2", artifact: "image" })).toEqual(
      await plan("monorepo", { runtime: "provided.al2", artifact: "image" }),
    );
  });

  it("returns the plan itself when nothing is asked", async () => {
    const base = await plan("hello", {});
    expect(retargetPlan(base, {})).toBe(base);
  });
});
