import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { createPlan } from "../../../src/plan/create.js";
import { DEFAULT_FRONTEND_IMAGE, RPK_VERSION } from "../../../src/plan/frontend-image.js";
import { parsePlan, planJsonSchema, serializePlan } from "../../../src/plan/serialize.js";
import { DEFAULT_SETTINGS, mergeSettings } from "../../../src/plan/settings.js";
import { repoRoot } from "../../helpers/run-cli.js";
import { fakeAnalysis } from "./fake-analysis.js";

/** The plan's `syntax` key: what BuildKit's Dockerfile frontend forwards a JSON build file to. */
describe('the plan\'s "syntax" key', () => {
  it("names the frontend image of this rpk version by default", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(RPK_VERSION).toBe(pkg.version);
    expect(DEFAULT_FRONTEND_IMAGE).toMatch(
      new RegExp(`^[a-z0-9./-]+/rpk-frontend:${pkg.version.replaceAll(".", "\\.")}$`),
    );
    const plan = createPlan({ amd64: fakeAnalysis() }, DEFAULT_SETTINGS);
    expect(plan.syntax).toBe(DEFAULT_FRONTEND_IMAGE);
    // BuildKit reads it as a top-level string of the JSON document (parser.DetectSyntax's JSON form).
    expect(JSON.parse(serializePlan(plan)).syntax).toBe(DEFAULT_FRONTEND_IMAGE);
  });

  it("takes the config's frontendImage, and --frontend-image over the config", () => {
    const fromConfig = mergeSettings({ frontendImage: "registry.example.com/rpk-frontend:1" });
    expect(createPlan({ amd64: fakeAnalysis() }, fromConfig).syntax).toBe("registry.example.com/rpk-frontend:1");
    const fromFlag = mergeSettings(
      { frontendImage: "registry.example.com/rpk-frontend:1" },
      { frontendImage: "127.0.0.1:5000/rpk-frontend:dev" },
    );
    expect(createPlan({ amd64: fakeAnalysis() }, fromFlag).syntax).toBe("127.0.0.1:5000/rpk-frontend:dev");
  });

  it("refuses a setting that is not an image reference, naming the field", () => {
    const settings = mergeSettings({ frontendImage: "not an image" });
    expect(() => createPlan({ amd64: fakeAnalysis() }, settings)).toThrow(UserError);
    expect(() => createPlan({ amd64: fakeAnalysis() }, settings)).toThrow(/syntax: must be an image reference/);
  });

  it("is optional: a plan written before the key existed still validates and keeps its bytes", () => {
    const withKey = JSON.parse(serializePlan(createPlan({ amd64: fakeAnalysis() }, DEFAULT_SETTINGS)));
    delete withKey.syntax;
    const oldText = `${JSON.stringify(withKey, null, 2)}\n`;
    const parsed = parsePlan(oldText);
    expect(parsed.syntax).toBeUndefined();
    expect(serializePlan(parsed)).toBe(oldText);
  });

  it("is in the JSON Schema, not required", () => {
    const schema = planJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toContain("syntax");
    expect(schema.required).not.toContain("syntax");
  });
});
