import { describe, expect, it } from "vitest";
import { translateBuildFlags } from "../../../src/cli/build-request.js";
import { CONVERT_DEFAULTS, convertPlan } from "../../../src/convert/index.js";
import { withConvertDefaults } from "../../../src/convert/options.js";
import { decodeDefinition, marshal } from "../../../src/llb/index.js";
import { createPlan } from "../../../src/plan/create.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

const plan = createPlan({ amd64: fakeAnalysis() }, DEFAULT_SETTINGS);

function decodedOps(options: Parameters<typeof convertPlan>[1]): AnyOp[] {
  const definition = marshal(convertPlan(plan, options).zip!, {});
  return (decodeDefinition(definition.bytes) as unknown as { ops: { op: AnyOp }[] }).ops.map((o) => o.op);
}

describe("build defaults live in one place (CONVERT_DEFAULTS)", () => {
  it("pins the defaults", () => {
    expect(CONVERT_DEFAULTS).toEqual({
      contextName: "context",
      network: "sandbox",
      buildPlatform: { os: "linux", architecture: "amd64" },
      noCache: false,
      goEnv: {},
    });
  });

  it("fills in only what is left out", () => {
    expect(withConvertDefaults({})).toEqual(CONVERT_DEFAULTS);
    const given = withConvertDefaults({ contextName: "src", network: "host", noCache: true });
    expect(given).toMatchObject({ contextName: "src", network: "host", noCache: true, buildPlatform: { os: "linux" } });
  });

  it("the converter applies them: leaving everything out gives the LLB of the explicit defaults", () => {
    const implicit = decodedOps({});
    expect(implicit).toEqual(decodedOps({ ...CONVERT_DEFAULTS }));
    const locals = implicit.filter((op) => op.source?.identifier?.startsWith("local://"));
    expect(locals.map((op) => op.source.identifier)).toEqual(["local://context"]);
    // Sandbox is the network's zero value (absent on the wire): host differs, sandbox does not.
    expect(implicit).toEqual(decodedOps({ network: "sandbox" }));
    expect(implicit).not.toEqual(decodedOps({ network: "host" }));
    expect(decodedOps({ contextName: "src" }).some((op) => op.source?.identifier === "local://src")).toBe(true);
  });

  it("rpk build leaves them out of the request when no flag sets them", () => {
    const { request } = translateBuildFlags({ cache: true }, {});
    expect(request).not.toHaveProperty("contextName");
    expect(request).not.toHaveProperty("network");
    expect(request).not.toHaveProperty("noCache");
  });
});
