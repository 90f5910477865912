/** Issue 13: package paths that leave the context are rejected when the plan loads, not inside go build. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { parsePlan } from "../../../src/plan/serialize.js";

const hello = JSON.parse(readFileSync(new URL("../cli/__snapshots__/hello.rpk.json", import.meta.url), "utf8")) as {
  targets: { package: string }[];
};

function withPackage(pkg: string): string {
  const plan = structuredClone(hello);
  plan.targets[0].package = pkg;
  return JSON.stringify(plan);
}

describe("targets[].package", () => {
  it.each(["./../..", "./..", "./a/../b", "./.", "./a/./b"])("%s is rejected with the field named", (pkg) => {
    expect(() => parsePlan(withPackage(pkg), "rpk.json")).toThrow(UserError);
    expect(() => parsePlan(withPackage(pkg), "rpk.json")).toThrow(/^rpk\.json: targets\[0\]\.package: must be/);
  });

  it.each([".", "./cmd/api", "./a/...b", "./.hidden"])("%s is accepted", (pkg) => {
    expect(parsePlan(withPackage(pkg), "rpk.json").targets[0]!.package).toBe(pkg);
  });
});
