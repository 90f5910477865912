/**
 * Properties of plans: every plan rpk writes loads (createPlan output passes the schema and survives
 * serialize → parse), and rpk.json / rpk.config.json parsing returns or throws a UserError for any text.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Analysis, MainPackage, PackageInfo } from "../../../src/analyze/types.js";
import { UserError } from "../../../src/errors.js";
import {
  createPlan,
  mergeSettings,
  PlanSchema,
  parseConfig,
  parsePlan,
  serializePlan,
} from "../../../src/plan/index.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";
import { expectOnlyUserError, fuzzParams, textFrom } from "./fuzz.js";

const HELLO_PLAN = readFileSync(new URL("../cli/__snapshots__/hello.rpk.json", import.meta.url), "utf8");

/** A directory name as a file system allows it: anything but "/" and NUL, never "." or "..". */
const dirName = fc
  .oneof(
    fc.constantFrom("api", "API", "cmd", "a-x", "a", "x", "v2", "-", "_", "...", "é", "a b", "a\nb", "\u001b[31m"),
    fc.string({ minLength: 1, maxLength: 6 }),
  )
  .filter((s) => !s.includes("/") && !s.includes("\u0000") && s !== "." && s !== "..");
const mainDir = fc.array(dirName, { minLength: 0, maxLength: 3 }).map((parts) => [".", ...parts].join("/"));

function analysisWithMains(dirs: string[], modulePath: string, embeds: string[]): Analysis {
  const base = fakeAnalysis();
  const packages: PackageInfo[] = dirs.map((dir) => ({
    ...base.packages[0]!,
    dir,
    importPath: `${modulePath}${dir.slice(1)}`,
    embedPatterns: embeds,
  }));
  const mains: MainPackage[] = dirs.map((dir, i) => ({
    ...base.mains[0]!,
    dir,
    importPath: `${modulePath}${dir.slice(1)}`,
    kind: i % 2 === 0 ? "lambda" : "command",
    cgo: i % 3 === 2,
    localPackages: [dir],
  }));
  return {
    ...base,
    modules: [{ ...base.modules[0]!, path: modulePath, goMod: { ...base.modules[0]!.goMod, module: modulePath } }],
    packages,
    mains,
  };
}

describe("plans rpk writes always load", () => {
  it("createPlan: a plan that passes PlanSchema and round-trips, or a UserError", () => {
    const modulePath = fc.oneof(
      fc.constantFrom("example.com/app", "example.com/app/v2", "app", "x/v3", "a.b/c-d"),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/\s/.test(s)),
    );
    const settingText = textFrom(["a", "B_1", "lambda.norpc", "-X main.v=1", "=", "."], 6);
    /** Mostly values the config accepts (so most cases reach createPlan), sometimes anything. */
    const mostly = (valid: RegExp) =>
      fc.oneof({ weight: 8, arbitrary: fc.stringMatching(valid) }, { weight: 1, arbitrary: settingText });
    const config = fc.record(
      {
        tags: fc.array(mostly(/^[A-Za-z0-9_.]{1,8}$/), { maxLength: 3 }),
        ldflags: settingText,
        env: fc.dictionary(mostly(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), settingText, { maxKeys: 2 }),
        goImage: mostly(/^[a-z0-9][a-z0-9._\-/:@]{0,20}$/),
        arch: fc.constantFrom("x86_64", "arm64"),
        include: fc.array(settingText, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    let planned = 0;
    const params = fuzzParams(400);
    fc.assert(
      fc.property(
        fc.uniqueArray(mainDir, { minLength: 1, maxLength: 6 }),
        modulePath,
        fc.array(
          settingText.filter((p) => p !== ""),
          { maxLength: 2 },
        ), // the scanner never yields "" (invalid)
        config,
        (dirs, path, embeds, rawConfig) => {
          const analysis = analysisWithMains(dirs, path, embeds);
          let settings: ReturnType<typeof mergeSettings>;
          try {
            settings = mergeSettings(parseConfig(JSON.stringify(rawConfig), "rpk.config.json"));
          } catch (error) {
            if (error instanceof UserError) return;
            throw error;
          }
          let plan: ReturnType<typeof createPlan>;
          try {
            plan = createPlan({ amd64: analysis, arm64: { ...analysis, arch: "arm64" } }, settings);
          } catch (error) {
            if (error instanceof UserError) return;
            throw error;
          }
          const checked = PlanSchema.safeParse(plan);
          expect(checked.error?.issues ?? []).toEqual([]);
          expect(parsePlan(serializePlan(plan))).toEqual(checked.data);
          planned++;
        },
      ),
      params,
    );
    // Most cases must get as far as a plan, or the property checks little.
    expect(planned).toBeGreaterThan(params.numRuns! / 3);
  });
});

describe("rpk.json / rpk.config.json fuzz", () => {
  /** The hello plan with one value replaced somewhere inside it. */
  const mutatedPlan = fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([n, value]) => {
    const plan = JSON.parse(HELLO_PLAN);
    const slots: [Record<string, unknown>, string][] = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== "object") return;
      for (const key of Object.keys(node)) {
        slots.push([node as Record<string, unknown>, key]);
        walk((node as Record<string, unknown>)[key]);
      }
    };
    walk(plan);
    const [parent, key] = slots[n % slots.length]!;
    parent[key] = value;
    return JSON.stringify(plan);
  });

  it("parsePlan: a Plan or a UserError, on mutated plans and on any text", () => {
    const text = fc.oneof(mutatedPlan, textFrom(['{"', '":', "[", "]", "{", "}", "null", "1", ","]), fc.json());
    fc.assert(
      fc.property(text, (t) => expectOnlyUserError(() => parsePlan(t, "rpk.json"))),
      fuzzParams(1500),
    );
  });

  it("parseConfig: a config or a UserError", () => {
    const keys = fc.constantFrom(
      "targets",
      "arch",
      "runtime",
      "artifact",
      "tags",
      "ldflags",
      "env",
      "goImage",
      "overrides",
      "x",
    );
    const config = fc.oneof(
      fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 })).map((o) => JSON.stringify(o)),
      fc.json(),
      textFrom(['{"', '":', "[", "]", "{", "}", "null", ","]),
    );
    fc.assert(
      fc.property(config, (t) => expectOnlyUserError(() => parseConfig(t, "rpk.config.json"))),
      fuzzParams(1500),
    );
  });
});
