import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { createPlan } from "../../../src/plan/create.js";
import { defaultBuildFlags, zipToolImage } from "../../../src/plan/go-limits.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "./fake-analysis.js";

const goVersion = (version: string) => ({ version, source: "go.mod go", file: "go.mod", patchFromTable: true });
const planFor = (version: string, extra: Parameters<typeof fakeAnalysis>[0] = {}) =>
  createPlan({ amd64: fakeAnalysis({ goVersion: goVersion(version), ...extra }) }, DEFAULT_SETTINGS);

describe("Go version limits of a plan", () => {
  it("keeps -buildvcs=false from Go 1.18 and drops it below (older go build rejects the flag)", () => {
    expect(defaultBuildFlags("1.26.8")).toEqual(["-trimpath", "-buildvcs=false"]);
    expect(defaultBuildFlags("1.18")).toEqual(["-trimpath", "-buildvcs=false"]);
    expect(defaultBuildFlags("1.18rc1")).toEqual(["-trimpath", "-buildvcs=false"]);
    expect(defaultBuildFlags("1.17.13")).toEqual(["-trimpath"]);
    expect(defaultBuildFlags("1.13.15")).toEqual(["-trimpath"]);
  });

  it("plans each target with its Go version's flags and that version's golang image", () => {
    const old = planFor("1.16.15");
    expect(old.go.image).toBe("docker.io/library/golang:1.16.15-bullseye");
    for (const target of old.targets) expect(target.build.flags).toEqual(["-trimpath"]);
    for (const target of planFor("1.21.13").targets) {
      expect(target.build.flags).toEqual(["-trimpath", "-buildvcs=false"]);
    }
  });

  it("refuses Go before 1.13 with a one-line error naming the file and what to do", () => {
    const attempt = () => planFor("1.12.17");
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(
      "go.mod: rpk builds Go 1.13 or newer, not Go 1.12.17 (from go.mod go) — pin a newer Go in .go-version (or raise go.mod's go line)",
    );
    expect(() => planFor("1.13.15")).not.toThrow();
  });

  it("refuses a go.work with Go before 1.18, which cannot read it", () => {
    const workspace = { file: "go.work", work: { go: "1.16", use: ["."], replace: [] } as never, hasGoWorkSum: false };
    expect(() => planFor("1.17.13", { workspace })).toThrow(/^go\.mod: go\.work needs Go 1\.18 or newer/);
    expect(() => planFor("1.18.10", { workspace })).not.toThrow();
  });

  it("compiles rpk-zip in the plan's image from Go 1.18, else in the newest golang image rpk knows", () => {
    expect(zipToolImage({ go: { version: "1.26.8", image: "my/go:1" } })).toBe("my/go:1");
    expect(zipToolImage({ go: { version: "1.18", image: "my/go:1" } })).toBe("my/go:1");
    // go-releases.ts's newest release (1.27.4) with golang-image.ts's variant choice.
    expect(zipToolImage({ go: { version: "1.17.13", image: "my/go:1" } })).toBe(
      "docker.io/library/golang:1.27.4-bookworm",
    );
  });

  it("compiles rpk-zip in an old-Go plan's image when that image is a golang image tagged 1.18 or newer (--go-image)", () => {
    // serverless-go-demo (go 1.17) built with --go-image golang:1.26.8-bookworm pulled golang:1.27.4 for rpk-zip.
    for (const image of [
      "docker.io/library/golang:1.26.8-bookworm",
      "127.0.0.1:5055/library/golang:1.26",
      "golang:1.18.10-bullseye@sha256:6f6118566b57fae39988a34b2c3efd58e548393b4a8de2173d124edbf1a61850",
    ]) {
      expect(zipToolImage({ go: { version: "1.17.13", image } })).toBe(image);
    }
    for (const image of ["docker.io/library/golang:1.17.13-bullseye", "my/golang-tools:1.26.8", "golang:latest"]) {
      expect(zipToolImage({ go: { version: "1.17.13", image } })).toBe("docker.io/library/golang:1.27.4-bookworm");
    }
  });
});
