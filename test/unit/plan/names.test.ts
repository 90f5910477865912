/** Target names stay unique even when directory names sanitize to the same name (found by the plan fuzz test). */
import { describe, expect, it } from "vitest";
import { createPlan, DEFAULT_SETTINGS, PlanSchema } from "../../../src/plan/index.js";
import { fakeAnalysis } from "./fake-analysis.js";

function mainsAt(dirs: string[], modulePath = "example.com/app") {
  const base = fakeAnalysis();
  const analysis = {
    ...base,
    modules: [{ ...base.modules[0]!, path: modulePath }],
    mains: dirs.map((dir) => ({ ...base.mains[0]!, dir, localPackages: [dir] })),
  };
  return createPlan({ amd64: analysis }, DEFAULT_SETTINGS);
}

describe("target names", () => {
  it.each([
    [
      ["./API", "./api"],
      ["api", "api-2"],
    ],
    [
      [".", "./A "],
      ["a", "a-2"],
    ],
    [
      ["./a/x", "./b/x", "./a-x"],
      ["a-x", "a-x-2", "b-x"],
    ],
  ])("%j → %j, and the plan passes the schema", (dirs, expected) => {
    const plan = mainsAt(dirs, dirs.includes(".") ? "A" : "example.com/app");
    expect(plan.targets.map((t) => t.name).sort()).toEqual(expected);
    expect(PlanSchema.safeParse(plan).success).toBe(true);
  });

  it("leaves names without collisions as they were", () => {
    expect(mainsAt(["./cmd/api", "./lambdas/api", "./tool"]).targets.map((t) => t.name)).toEqual([
      "cmd-api",
      "lambdas-api",
      "tool",
    ]);
  });
});
