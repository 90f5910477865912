import { describe, expect, it } from "vitest";
import { renderInfo } from "../../../src/cli/commands/info.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { LAMBDA_REQUIRE, makeTree } from "./tree.js";

describe("a go.mod without a go line", () => {
  // The go command treats a go.mod without `go` as `go 1.16`; rpk used to refuse such a module.
  const root = makeTree({
    "go.mod": `module example.com/old\n\n${LAMBDA_REQUIRE}`,
    "main.go":
      'package main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc main() { lambda.Start(func() error { return nil }) }\n',
  });

  it("plans with Go 1.16 (newest patch) and says where that came from", async () => {
    const { plan, analysis } = await planDirectory(root, DEFAULT_SETTINGS);
    expect(analysis.goVersion).toEqual({
      version: "1.16.15",
      source: "go.mod (no go line, 1.16 assumed)",
      file: "go.mod",
      patchFromTable: true,
    });
    expect(plan.go).toMatchObject({ version: "1.16.15", source: "go.mod (no go line, 1.16 assumed)" });
    expect(plan.targets.map((t) => [t.name, t.kind])).toEqual([["old", "lambda"]]);
  });

  it("rpk info says go.mod has no go line and 1.16 is assumed", async () => {
    const { plan, analysis } = await planDirectory(root, DEFAULT_SETTINGS);
    const info = renderInfo(analysis, plan);
    expect(info).toContain("Go 1.16.15 (from go.mod (no go line, 1.16 assumed), newest patch of that release)");
    expect(info).toContain("go.mod has no go line: the go command assumes go 1.16, and so does rpk");
  });
});
