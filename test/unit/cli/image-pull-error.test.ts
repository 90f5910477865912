import { describe, expect, it } from "vitest";
import { BuildError } from "../../../src/buildkit/errors.js";
import { explainImagePullFailure, whyImage } from "../../../src/cli/image-pull-error.js";
import { UserError } from "../../../src/errors.js";
import { GatewayCallError } from "../../../src/gateway/types.js";
import { createPlan } from "../../../src/plan/create.js";
import { zipToolImage } from "../../../src/plan/go-limits.js";
import { DEFAULT_SETTINGS, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

const go115 = () =>
  fakeAnalysis({ goVersion: { version: "1.15.15", source: "go.mod go", file: "go.mod", patchFromTable: true } });
const planOf = (settings: PlanSettings = DEFAULT_SETTINGS) => createPlan({ amd64: go115() }, settings);
const pullFailure = (image: string) =>
  new BuildError(
    { code: 2, message: `failed to load cache key: ${image}: not found` },
    { stepName: `docker-image://${image}` },
  );

describe("whyImage", () => {
  const image = "docker.io/library/golang:1.15.15-buster";

  it("rpk's own pick: the Go version, its source and the table's reason", () => {
    expect(whyImage(image, { plan: planOf(), settings: DEFAULT_SETTINGS })).toBe(
      "rpk chose it for Go 1.15.15 (from go.mod go): docker-library published buster and stretch for Go 1.15.15, no bookworm",
    );
  });

  it("names the flag, the config or the saved plan when they chose it", () => {
    const settings = { ...DEFAULT_SETTINGS, goImage: "golang:1.15-custom" };
    const plan = planOf(settings);
    expect(
      whyImage("docker.io/library/golang:1.15-custom", { plan, settings, goImageFlag: "golang:1.15-custom" }),
    ).toBe("it came from --go-image");
    expect(whyImage("docker.io/library/golang:1.15-custom", { plan, settings })).toBe(
      'it came from "goImage" in rpk.config.json',
    );
    expect(whyImage("docker.io/library/golang:1.15-custom", { plan, settings, planFile: "rpk.json" })).toBe(
      "the plan rpk.json names it for Go 1.15.15 (from go.mod go)",
    );
  });

  it("is undefined for images the plan does not build with", () => {
    expect(whyImage("public.ecr.aws/lambda/provided:al2023", { plan: planOf(), settings: DEFAULT_SETTINGS })).toBe(
      undefined,
    );
  });
});

describe("explainImagePullFailure", () => {
  it("keeps the step's message and adds why and how to override, as one line", () => {
    const image = "docker.io/library/golang:1.15.15-buster";
    const explained = explainImagePullFailure(pullFailure(image), { plan: planOf(), settings: DEFAULT_SETTINGS });
    expect(explained).toBeInstanceOf(UserError);
    const message = (explained as UserError).message;
    expect(message).not.toContain("\n");
    expect(message).toMatch(/^build step "docker-image:\/\/docker\.io\/library\/golang:1\.15\.15-buster" failed: /);
    expect(message).toContain("rpk chose it for Go 1.15.15 (from go.mod go)");
    for (const override of [".go-version", '"goImage"', '"cgoImage"', "--go-image"])
      expect(message).toContain(override);
  });

  it("explains a pull failure that reached rpk through another request (the dependency probe's Solve)", () => {
    const image = "docker.io/library/golang:1.15.15-buster";
    const probe = new GatewayCallError("Solve", 2, `failed to load cache key: ${image}: not found`);
    const explained = explainImagePullFailure(probe, { plan: planOf(), settings: DEFAULT_SETTINGS });
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).toBe(
      `failed to load cache key: ${image}: not found — the image could not be pulled; rpk chose it for Go 1.15.15 (from go.mod go): docker-library published buster and stretch for Go 1.15.15, no bookworm — to build with another image, pin another Go version in .go-version, or name an image with "goImage" (cgo: "cgoImage") in rpk.config.json or --go-image`,
    );
    const other = new GatewayCallError("Solve", 2, `process "go build" did not complete: ${image} mentioned`);
    expect(explainImagePullFailure(other, { plan: planOf(), settings: DEFAULT_SETTINGS })).toBe(other);
  });

  it("explains the image rpk-zip is built in when the plan's Go is older than 1.18", () => {
    const plan = planOf();
    const tool = zipToolImage(plan);
    expect(tool).not.toBe(plan.go.image);
    const explained = explainImagePullFailure(pullFailure(tool), { plan, settings: DEFAULT_SETTINGS });
    expect((explained as UserError).message).toContain(
      "rpk builds its zip tool (rpk-zip) in the newest golang image it knows, as Go 1.15.15 is older than the Go 1.18 rpk-zip needs",
    );
    expect((explained as UserError).message).toContain("pin Go 1.18 or newer in .go-version");
  });

  it("leaves other failures alone", () => {
    const plan = planOf();
    const compile = new BuildError({ code: 2, message: "exit code: 1" }, { stepName: "[cmd-api] go build" });
    expect(explainImagePullFailure(compile, { plan, settings: DEFAULT_SETTINGS })).toBe(compile);
    const base = pullFailure("public.ecr.aws/lambda/provided:al2023");
    expect(explainImagePullFailure(base, { plan, settings: DEFAULT_SETTINGS })).toBe(base);
    const plain = new Error("boom");
    expect(explainImagePullFailure(plain, { plan, settings: DEFAULT_SETTINGS })).toBe(plain);
  });
});
