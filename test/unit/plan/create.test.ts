import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { createPlan } from "../../../src/plan/create.js";
import { parsePlan, planJsonSchema, serializePlan } from "../../../src/plan/serialize.js";
import { DEFAULT_SETTINGS, mergeSettings, type PlanSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "./fake-analysis.js";

const settings = (extra: Partial<PlanSettings> = {}): PlanSettings => ({ ...DEFAULT_SETTINGS, ...extra });

describe("createPlan", () => {
  it("names targets by directory and disambiguates clashes with the full path", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings());
    expect(plan.targets.map((t) => [t.name, t.package, t.kind])).toEqual([
      ["cmd-api", "./cmd/api", "lambda"],
      ["lambdas-api", "./lambdas/api", "lambda"],
      ["native", "./native", "lambda"],
      ["tool", "./cmd/tool", "command"],
    ]);
  });

  it("applies the default Go build settings from the design", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings());
    const api = plan.targets.find((t) => t.name === "cmd-api")!;
    expect(api.build).toEqual({
      goos: "linux",
      goarch: "amd64",
      tags: ["lambda.norpc"],
      ldflags: "-s -w",
      flags: ["-trimpath", "-buildvcs=false"],
      env: { CGO_ENABLED: "0" },
    });
    expect(api.output).toBe("bootstrap");
    expect(api.image).toBe("docker.io/library/golang:1.26.8-bookworm");
    const tool = plan.targets.find((t) => t.name === "tool")!;
    expect(tool.build.tags).toEqual([]);
    expect(tool.output).toBe("tool");
  });

  it("builds cgo targets in the runtime's own build image; Go stays the golang image", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings());
    const native = plan.targets.find((t) => t.name === "native")!;
    expect(native.cgo).toBe(true);
    expect(native.build.env.CGO_ENABLED).toBe("1");
    expect(native.image).toBe("public.ecr.aws/sam/build-provided.al2023:latest");
    expect(plan.go.cgoImage).toBe(native.image);
    expect(plan.go.image).toBe("docker.io/library/golang:1.26.8-bookworm");
    const al2 = createPlan({ amd64: fakeAnalysis() }, settings({ runtime: "provided.al2", goImage: "r.example/go:1" }));
    expect(al2.targets.find((t) => t.name === "native")!.image).toBe("public.ecr.aws/sam/build-provided.al2:latest");
    expect(al2.go.image).toBe("r.example/go:1");
  });

  it("takes the cgo image from the config, and --cgo-image over the config", () => {
    const fromConfig = mergeSettings({ cgoImage: "registry.example.com/al2-gcc:1" }, {});
    const plan = createPlan({ amd64: fakeAnalysis() }, fromConfig);
    expect(plan.targets.find((t) => t.name === "native")!.image).toBe("registry.example.com/al2-gcc:1");
    expect(plan.targets.find((t) => t.name === "cmd-api")!.image).toBe(plan.go.image);
    const fromFlag = mergeSettings({ cgoImage: "registry.example.com/al2-gcc:1" }, { cgoImage: "flag.example/c:2" });
    expect(fromFlag.cgoImage).toBe("flag.example/c:2");
  });

  it("maps arch to GOARCH and merges tags, ldflags and env", () => {
    const merged = mergeSettings(
      { arch: "x86_64", tags: ["prod"], ldflags: "-X main.v=1", env: { A: "1" } },
      { arch: "arm64", tags: ["extra"], env: { B: "2" } },
    );
    const plan = createPlan({ arm64: fakeAnalysis({ arch: "arm64" }) }, merged);
    const api = plan.targets.find((t) => t.name === "cmd-api")!;
    expect(api.arch).toBe("arm64");
    expect(api.build.goarch).toBe("arm64");
    expect(api.build.tags).toEqual(["extra", "lambda.norpc", "prod"]);
    expect(api.build.ldflags).toBe("-s -w -X main.v=1");
    expect(api.build.env).toEqual({ A: "1", B: "2", CGO_ENABLED: "0" });
  });

  it("selects targets by name or directory and rejects unknown ones with the known list", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings({ targets: ["tool", "cmd/api"] }));
    expect(plan.targets.map((t) => t.name)).toEqual(["cmd-api", "tool"]);
    const attempt = () => createPlan({ amd64: fakeAnalysis() }, settings({ targets: ["nope"] }));
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow('unknown target "nope" — known targets: cmd-api, lambdas-api, native, tool');
  });

  it("sends only module files, the selected packages' sources and their embeds", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings({ targets: ["cmd-api", "native"] }));
    expect(plan.context.include).toEqual([
      "cmd/api/*.go",
      "cmd/api/static",
      "cmd/api/static/**",
      "cmd/api/templates/*.tmpl",
      "cmd/api/templates/*.tmpl/**",
      "go.mod",
      "go.sum",
      "internal/core/*.go",
      "native/*.c",
      "native/*.go",
      "native/*.h",
    ]);
    expect(plan.context.exclude).toContain("**/*_test.go");
    expect(plan.modules).toEqual([{ dir: ".", path: "example.com/app", files: ["go.mod", "go.sum"], vendor: false }]);
  });

  it("fails clearly when there is no main package", () => {
    expect(() => createPlan({ amd64: fakeAnalysis({ mains: [] }) }, settings())).toThrow(/no main package found/);
  });
});

describe("plan serialization", () => {
  it("is byte-stable, keeps schema key order and round-trips through parsePlan", () => {
    const plan = createPlan({ amd64: fakeAnalysis() }, settings());
    const text = serializePlan(plan);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "$schema",
      "syntax",
      "version",
      "go",
      "modules",
      "context",
      "artifact",
      "targets",
    ]);
    expect(serializePlan(parsePlan(text))).toBe(text);
    const shuffled = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text)).reverse()));
    expect(serializePlan(parsePlan(shuffled))).toBe(text);
    expect(text).not.toContain("/somewhere");
  });

  it("reports the offending field of a broken plan", () => {
    const plan = JSON.parse(serializePlan(createPlan({ amd64: fakeAnalysis() }, settings())));
    plan.targets[1].name = plan.targets[0].name;
    expect(() => parsePlan(JSON.stringify(plan), "rpk.json")).toThrow(
      /^rpk\.json: targets\[1\]\.name: duplicate target name/,
    );
    plan.targets[1].name = "Bad Name";
    expect(() => parsePlan(JSON.stringify(plan), "rpk.json")).toThrow(/targets\[1\]\.name/);
    plan.targets[1].kind = "daemon";
    delete plan.targets[1].name;
    expect(() => parsePlan(JSON.stringify(plan))).toThrow(/targets\[1\]/);
    expect(() => parsePlan('{"version": 1,\n  oops}', "p.json")).toThrow(/^p\.json:2: invalid JSON/);
  });

  it("publishes a JSON Schema with the contract fields required", () => {
    const schema = planJsonSchema() as {
      required: string[];
      properties: { targets: { items: { required: string[] } } };
    };
    expect(schema.required).toEqual(expect.arrayContaining(["version", "go", "targets"]));
    expect(schema.properties.targets.items.required).toEqual(
      expect.arrayContaining(["name", "package", "kind", "cgo"]),
    );
  });
});
