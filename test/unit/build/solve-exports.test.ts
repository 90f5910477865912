import { describe, expect, it } from "vitest";
import { oneSolveExport, requestForExport, selectedTargets, solveExports } from "../../../src/build/solve-exports.js";
import { UserError } from "../../../src/errors.js";
import type { Plan } from "../../../src/plan/schema.js";

/** Only what the decision reads: the artifact and each target's name and kind. */
function planOf(artifact: Plan["artifact"]): Plan {
  const targets = [
    { name: "api", kind: "lambda" },
    { name: "migrate", kind: "command" },
    { name: "worker", kind: "lambda" },
  ];
  return { artifact, targets } as unknown as Plan;
}

describe("what one Solve exports", () => {
  it("zip output: one Solve holding every selected target (commands included)", () => {
    expect(solveExports(planOf("zip"), undefined)).toEqual([
      { artifact: "zip", targets: ["api", "migrate", "worker"] },
    ]);
    expect(solveExports(planOf("zip"), ["worker", "migrate"])).toEqual([
      { artifact: "zip", targets: ["migrate", "worker"] },
    ]);
  });

  it("image output: one Solve per selected Lambda, in plan order; commands have no image", () => {
    expect(solveExports(planOf("image"), undefined)).toEqual([
      { artifact: "image", targets: ["api"] },
      { artifact: "image", targets: ["worker"] },
    ]);
    expect(solveExports(planOf("image"), ["worker", "migrate"])).toEqual([{ artifact: "image", targets: ["worker"] }]);
  });

  it("image output of commands only is a UserError", () => {
    expect(() => solveExports(planOf("image"), ["migrate"])).toThrow(UserError);
    expect(() => solveExports(planOf("image"), ["migrate"])).toThrow("image output needs a Lambda target");
  });

  it("a build of one Solve takes the only export, or names the Lambdas to pick from", () => {
    expect(oneSolveExport(planOf("zip"), undefined)).toEqual({
      artifact: "zip",
      targets: ["api", "migrate", "worker"],
    });
    expect(oneSolveExport(planOf("image"), ["api"])).toEqual({ artifact: "image", targets: ["api"] });
    expect(() => oneSolveExport(planOf("image"), undefined)).toThrow(
      "image output builds one Lambda at a time, and 2 are selected",
    );
    const error = (() => {
      try {
        oneSolveExport(planOf("image"), undefined);
      } catch (thrown) {
        return thrown as UserError;
      }
    })();
    expect(error?.hint).toBe("pick one with --target (api, worker)");
  });

  it("an image Solve's request is narrowed to its Lambda; a zip Solve's is the request as given", () => {
    const request = { targets: ["api", "worker"], noCache: true };
    expect(requestForExport(request, { artifact: "image", targets: ["worker"] })).toEqual({
      targets: ["worker"],
      noCache: true,
    });
    expect(requestForExport(request, { artifact: "zip", targets: ["api", "worker"] })).toBe(request);
  });

  it("no names, or an empty list, select every target (as the converter does)", () => {
    expect(selectedTargets(planOf("zip"), []).map((t) => t.name)).toEqual(["api", "migrate", "worker"]);
    expect(selectedTargets(planOf("zip"), undefined)).toHaveLength(3);
  });
});
