import { describe, expect, it } from "vitest";
import { changedTargets, mapChanges, patternToRegExp } from "../../../src/dev/change-map.js";
import type { Plan } from "../../../src/plan/schema.js";

function plan(targets: { name: string; include: string[] }[]): Plan {
  return {
    go: { version: "1.26.8", source: "go.mod", image: "golang" },
    modules: [],
    targets: targets.map((t) => ({ ...t, kind: "lambda" })),
  } as unknown as Plan;
}

const monorepo = plan([
  { name: "api", include: ["cmd/api/*.go", "go.mod", "go.sum", "internal/orders/*.go"] },
  { name: "worker", include: ["cmd/worker/*.go", "go.mod", "go.sum", "internal/orders/*.go"] },
  { name: "thumbnail", include: ["functions/thumbnail/*.go", "go.mod", "assets/**"] },
]);
const names = ["api", "worker", "thumbnail"];

describe("patternToRegExp", () => {
  it("reads *, ? and ** as BuildKit include patterns do", () => {
    expect(patternToRegExp("cmd/api/*.go").test("cmd/api/main.go")).toBe(true);
    expect(patternToRegExp("cmd/api/*.go").test("cmd/api/sub/main.go")).toBe(false);
    expect(patternToRegExp("vendor/**").test("vendor/a/b/c.go")).toBe(true);
    expect(patternToRegExp("**/x.txt").test("x.txt")).toBe(true);
    expect(patternToRegExp("**/x.txt").test("a/b/x.txt")).toBe(true);
    expect(patternToRegExp("a?.go").test("ab.go")).toBe(true);
    expect(patternToRegExp("a.go").test("abgo")).toBe(false);
  });
});

describe("mapChanges", () => {
  it("a file of one target rebuilds that target only; a shared package every target that includes it", () => {
    expect(mapChanges(monorepo, names, ["cmd/api/main.go"])).toEqual({ replan: false, targets: ["api"] });
    expect(mapChanges(monorepo, names, ["internal/orders/orders.go"])).toEqual({
      replan: false,
      targets: ["api", "worker"],
    });
    expect(mapChanges(monorepo, names, ["assets/img/a.png"])).toEqual({ replan: false, targets: ["thumbnail"] });
  });

  it("a file no target includes, a test file, .git and node_modules trigger nothing", () => {
    const paths = ["README.md", "cmd/api/main_test.go", ".git/index", "node_modules/x.go"];
    expect(mapChanges(monorepo, names, paths)).toEqual({ replan: false, targets: [] });
  });

  it("module files and Go files outside every include set ask for a re-plan", () => {
    expect(mapChanges(monorepo, names, ["go.mod"]).replan).toBe(true);
    expect(mapChanges(monorepo, names, ["go.work"]).replan).toBe(true);
    expect(mapChanges(monorepo, names, ["internal/newpkg/new.go"])).toEqual({ replan: true, targets: [] });
  });

  it("only the served targets count", () => {
    const paths = ["cmd/api/main.go", "internal/orders/orders.go"];
    expect(mapChanges(monorepo, ["worker"], paths).targets).toEqual(["worker"]);
  });
});

describe("changedTargets", () => {
  it("names the targets whose plan entry changed and the new ones", () => {
    const after = plan([
      { name: "api", include: ["cmd/api/*.go", "go.mod", "go.sum", "internal/newpkg/*.go", "internal/orders/*.go"] },
      { name: "worker", include: ["cmd/worker/*.go", "go.mod", "go.sum", "internal/orders/*.go"] },
      { name: "thumbnail", include: ["functions/thumbnail/*.go", "go.mod", "assets/**"] },
      { name: "extra", include: ["cmd/extra/*.go"] },
    ]);
    expect(changedTargets(monorepo, after, [...names, "extra"])).toEqual(["api", "extra"]);
  });
});
