import { describe, expect, it } from "vitest";
import { attestEnabled, attestKind } from "../../../src/build/attest-opts.js";
import { buildRequestOf, parseFrontendOpts } from "../../../src/build/frontend-opts.js";

describe("attestation opts (rpk's SBOM and provenance records)", () => {
  it("knows buildx's attest: keys and BuildKit's BUILDKIT_ATTEST_ build args, nothing else", () => {
    expect(attestKind("attest:sbom")).toBe("sbom");
    expect(attestKind("attest:provenance")).toBe("provenance");
    expect(attestKind("build-arg:BUILDKIT_ATTEST_SBOM")).toBe("sbom");
    expect(attestKind("build-arg:BUILDKIT_ATTEST_PROVENANCE")).toBe("provenance");
    expect(attestKind("attest:other")).toBeUndefined();
    expect(attestKind("build-arg:GOPROXY")).toBeUndefined();
  });

  it("reads buildx's values as on, disabled=true and bare false as off", () => {
    // What buildx sends by default and for --sbom=true, and buildctl's bare opt.
    expect(attestEnabled("mode=min,inline-only=true")).toBe(true);
    expect(attestEnabled("type=sbom")).toBe(true);
    expect(attestEnabled("")).toBe(true);
    expect(attestEnabled("true")).toBe(true);
    expect(attestEnabled("type=sbom,disabled=true")).toBe(false);
    expect(attestEnabled("disabled=true")).toBe(false);
    expect(attestEnabled("disabled=false")).toBe(true);
    expect(attestEnabled("false")).toBe(false);
    expect(attestEnabled("0")).toBe(false);
  });

  it("defaults both records on and carries the switches into the build request", () => {
    expect(parseFrontendOpts({}).records).toEqual({ sbom: true, provenance: true });
    const request = parseFrontendOpts({
      "attest:sbom": "type=sbom,disabled=true",
      "build-arg:BUILDKIT_ATTEST_PROVENANCE": "false",
    });
    expect(request.records).toEqual({ sbom: false, provenance: false });
    expect(request.ignored).toEqual([]);
    expect(buildRequestOf(request).records).toEqual({ sbom: false, provenance: false });
    expect(buildRequestOf(parseFrontendOpts({ "attest:provenance": "mode=max" })).records).toEqual({
      sbom: true,
      provenance: true,
    });
  });
});
