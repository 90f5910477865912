import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPlan } from "../../../src/plan/create.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { PlanSchema } from "../../../src/plan/schema.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { EXAMPLES } from "../../helpers/examples.js";
import { fakeAnalysis } from "./fake-analysis.js";

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples");

/**
 * createPlan does not parse its plan with zod (that would load zod on every `rpk plan/llb/build`): these
 * tests hold it to the schema instead — valid, and already in the schema's key order, so rpk.json bytes
 * are what a zod round trip would give.
 */
describe("createPlan without zod", () => {
  for (const example of EXAMPLES) {
    it(`${example}: the plan is valid and in schema key order`, async () => {
      const { plan } = await planDirectory(path.join(examples, example), DEFAULT_SETTINGS);
      expect(JSON.stringify(plan)).toBe(JSON.stringify(PlanSchema.parse(plan)));
    });
  }

  it("a fake tree with every kind of target and settings is valid and in schema key order", () => {
    const plan = createPlan(
      { amd64: fakeAnalysis() },
      {
        ...DEFAULT_SETTINGS,
        tags: ["extra"],
        env: { GOEXPERIMENT: "x" },
        cgoImage: "public.ecr.aws/sam/build-provided.al2023:latest",
      },
    );
    expect(JSON.stringify(plan)).toBe(JSON.stringify(PlanSchema.parse(plan)));
  });

  const invalid: [string, Partial<PlanSettings>, RegExp][] = [
    [
      "a tag with a comma",
      { tags: ["a,b"] },
      /targets\[0\]\.build\.tags\[\d\]: build tags are letters, digits, _ and \. \(got "a,b"\)/,
    ],
    [
      "an env name with a space",
      { env: { "BAD NAME": "1" } },
      /targets\[0\]\.build\.env\.BAD NAME: environment variable names/,
    ],
    ["an image with a space", { goImage: "golang 1.26" }, /go\.image: must be an image reference/],
  ];
  for (const [what, settings, message] of invalid) {
    it(`rejects ${what} with the field and the rule`, () => {
      expect(() => createPlan({ amd64: fakeAnalysis() }, { ...DEFAULT_SETTINGS, ...settings })).toThrow(message);
    });
  }
});
