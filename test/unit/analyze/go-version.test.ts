import { describe, expect, it } from "vitest";
import {
  compareGoVersions,
  completeGoVersion,
  GO_RELEASES,
  type GoVersionSources,
  parseGoMod,
  parseGoWork,
  resolveGoVersion,
} from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";

/** A small fixed table so the tests do not depend on the generated one. */
const RELEASES = { "1.20": "1.20.14", "1.21": "1.21.13", "1.22": "1.22.12", "1.26": "1.26.11" };

function modules(...gomods: [string, string][]): GoVersionSources["modules"] {
  return gomods.map(([file, text]) => ({ file, goMod: parseGoMod(text, file) }));
}

const baseModules = modules(
  ["go.mod", "module a\ngo 1.21\ntoolchain go1.22.3\n"],
  ["svc/go.mod", "module b\ngo 1.22.1\n"],
);

describe("resolveGoVersion precedence", () => {
  const all: GoVersionSources = {
    releases: RELEASES,
    goVersionFile: { file: ".go-version", text: "1.26.2\n" },
    miseToml: { file: "mise.toml", text: '[tools]\ngo = "1.21.5"\n' },
    toolVersions: { file: ".tool-versions", text: "golang 1.20.3\n" },
    workspace: { file: "go.work", work: parseGoWork("go 1.22\ntoolchain go1.22.7\n", "go.work") },
    modules: baseModules,
  };

  it(".go-version wins over everything", () => {
    expect(resolveGoVersion(all)).toEqual({
      version: "1.26.2",
      source: ".go-version",
      file: ".go-version",
      patchFromTable: false,
    });
  });

  it("mise.toml comes next", () => {
    const { goVersionFile: _, ...rest } = all;
    expect(resolveGoVersion(rest)).toMatchObject({ version: "1.21.5", source: "mise.toml", file: "mise.toml" });
  });

  it(".tool-versions comes after mise.toml", () => {
    const { goVersionFile: _, miseToml: __, ...rest } = all;
    expect(resolveGoVersion(rest)).toMatchObject({ version: "1.20.3", source: ".tool-versions" });
  });

  it("then the highest toolchain line across go.work and modules", () => {
    const { goVersionFile: _, miseToml: __, toolVersions: ___, ...rest } = all;
    expect(resolveGoVersion(rest)).toEqual({
      version: "1.22.7",
      source: "go.work toolchain",
      file: "go.work",
      patchFromTable: false,
    });
    const work = parseGoWork("go 1.22\ntoolchain go1.22.0\n", "go.work");
    expect(resolveGoVersion({ ...rest, workspace: { file: "go.work", work } })).toMatchObject({
      version: "1.22.3",
      source: "go.mod toolchain",
      file: "go.mod",
    });
  });

  it("then the highest go line, completed from the release table", () => {
    expect(resolveGoVersion({ releases: RELEASES, modules: modules(["go.mod", "module a\ngo 1.21\n"]) })).toEqual({
      version: "1.21.13",
      source: "go.mod go",
      file: "go.mod",
      patchFromTable: true,
    });
    const two = modules(["go.mod", "module a\ngo 1.22\n"], ["svc/go.mod", "module b\ngo 1.22.1\n"]);
    expect(resolveGoVersion({ releases: RELEASES, modules: two })).toMatchObject({
      version: "1.22.1",
      file: "svc/go.mod",
      patchFromTable: false,
    });
  });

  it("strips toolchain suffixes", () => {
    const m = modules(["go.mod", "module a\ngo 1.21\ntoolchain go1.26.8-custom\n"]);
    expect(resolveGoVersion({ releases: RELEASES, modules: m }).version).toBe("1.26.8");
  });

  it("takes a go.mod without a go line as go 1.16, as the go command does", () => {
    const releases = { ...RELEASES, "1.16": "1.16.15" };
    expect(resolveGoVersion({ releases, modules: modules(["go.mod", "module a\n"]) })).toEqual({
      version: "1.16.15",
      source: "go.mod (no go line, 1.16 assumed)",
      file: "go.mod",
      patchFromTable: true,
    });
    // For precedence it is a `go 1.16` line: a newer go line elsewhere wins, an older one loses.
    const newer = modules(["go.mod", "module a\n"], ["svc/go.mod", "module b\ngo 1.21\n"]);
    expect(resolveGoVersion({ releases, modules: newer })).toMatchObject({ version: "1.21.13", file: "svc/go.mod" });
    const older = modules(["go.mod", "module a\n"], ["svc/go.mod", "module b\ngo 1.15\n"]);
    expect(resolveGoVersion({ releases: { ...releases, "1.15": "1.15.15" }, modules: older })).toMatchObject({
      version: "1.16.15",
      file: "go.mod",
    });
  });

  it("fails when no version is anywhere", () => {
    const work = parseGoWork("use ./a\n", "go.work");
    expect(() => resolveGoVersion({ releases: RELEASES, workspace: { file: "go.work", work }, modules: [] })).toThrow(
      /no Go version found/,
    );
  });
});

describe("version override files", () => {
  const none = modules(["go.mod", "module a\ngo 1.21\n"]);
  it.each([
    ["go1.22.4\n", "1.22.4", false],
    ["# pinned\n\n1.22\n", "1.22.12", true],
    ["1.26rc1\n", "1.26.11", true],
  ])(".go-version %j → %s", (text, version, fromTable) => {
    const r = resolveGoVersion({ releases: RELEASES, modules: none, goVersionFile: { file: ".go-version", text } });
    expect(r).toMatchObject({ version, patchFromTable: fromTable });
  });

  it.each([
    ['[tools]\ngo = "1.22"\n', "1.22.12"],
    ["[tools]\ngolang = '1.20.2' # comment\n", "1.20.2"],
    ['[env]\ngo = "1.1.1"\n[tools]\nnode = "20"\ngo = ["1.26.1", "1.22"]\n', "1.26.1"],
    ['[tools]\ngo = { version = "1.21.4" }\n', "1.21.4"],
    ['tools.go = "1.22.2"\n', "1.22.2"],
  ])("mise.toml %j → %s", (text, version) => {
    const r = resolveGoVersion({ releases: RELEASES, modules: none, miseToml: { file: "mise.toml", text } });
    expect(r.version).toBe(version);
    expect(r.source).toBe("mise.toml");
  });

  it("ignores mise.toml without a go tool", () => {
    const r = resolveGoVersion({
      releases: RELEASES,
      modules: none,
      miseToml: { file: "mise.toml", text: '[tools]\nnode = "20"\n' },
    });
    expect(r.source).toBe("go.mod go");
  });

  it.each([
    ["nodejs 20.1.0\ngolang 1.22.5 1.21.0\n", "1.22.5"],
    ["# go\ngo 1.21\n", "1.21.13"],
  ])(".tool-versions %j → %s", (text, version) => {
    const r = resolveGoVersion({ releases: RELEASES, modules: none, toolVersions: { file: ".tool-versions", text } });
    expect(r.version).toBe(version);
  });

  it.each([
    [{ goVersionFile: { file: ".go-version", text: "banana\n" } }, ".go-version"],
    [{ miseToml: { file: "mise.toml", text: '[tools]\ngo = "latest"\n' } }, "mise.toml"],
    [{ toolVersions: { file: ".tool-versions", text: "golang 1.x\n" } }, ".tool-versions"],
    [{ goVersionFile: { file: ".go-version", text: "1.99\n" } }, ".go-version"],
  ])("rejects nonsense and names the file (%j)", (source, file) => {
    let error: unknown;
    try {
      resolveGoVersion({ releases: RELEASES, modules: none, ...source });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).where).toBe(file);
  });
});

describe("release table completion", () => {
  it("completes language versions to the newest patch and keeps full versions", () => {
    expect(completeGoVersion("1.22", RELEASES)).toEqual({ version: "1.22.12", patchFromTable: true });
    expect(completeGoVersion("1.22.3", RELEASES)).toEqual({ version: "1.22.3", patchFromTable: false });
    expect(completeGoVersion("1.20", RELEASES)).toEqual({ version: "1.20.14", patchFromTable: true });
  });

  it("handles prereleases: released minors complete, unreleased ones are an error (plans pin releases)", () => {
    expect(completeGoVersion("1.22rc1", RELEASES)).toEqual({ version: "1.22.12", patchFromTable: true });
    expect(completeGoVersion("1.27rc2", RELEASES)).toEqual({
      error: "Go 1.27rc2 is a pre-release and rpk builds with released toolchains only (newest known: 1.26.11)",
    });
  });

  it("errors for minors the table does not know", () => {
    expect(completeGoVersion("1.19", RELEASES)).toHaveProperty("error");
    expect(completeGoVersion("nope", RELEASES)).toHaveProperty("error");
  });

  it("the generated table holds the newest patch of each minor from 1.21 on", () => {
    for (let minor = 21; minor <= 26; minor++) {
      const full = GO_RELEASES[`1.${minor}`];
      expect(full, `1.${minor}`).toMatch(new RegExp(`^1\\.${minor}\\.\\d+$`));
    }
    expect(GO_RELEASES["1.21"]).not.toBe("1.21.0");
  });

  it("orders versions like the go command", () => {
    const sorted = ["1.22.0", "1.21", "1.22rc1", "1.22", "1.21.10", "1.22beta2", "1.21.9"].sort(compareGoVersions);
    expect(sorted).toEqual(["1.21", "1.21.9", "1.21.10", "1.22", "1.22beta2", "1.22rc1", "1.22.0"]);
  });
});
