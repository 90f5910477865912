import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../../helpers/examples.js";
import { repoRoot, runRpk } from "../../helpers/run-cli.js";

/** The analyzer's warnings (stderr) each example is expected to give: workspace leaves a module out on purpose. */
const EXPECTED_WARNINGS: Record<string, string> = {
  workspace:
    "warning: module not in go.work's use list is not built (./tools/unused/go.mod): add it to go.work's use list, or run rpk in ./tools/unused, to build it\n",
};

const scratch = mkdtempSync(join(tmpdir(), "rpk-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One line on stderr, no stack trace. */
function expectOneLineError(result: { code: number; stderr: string; stdout: string }, code: number, pattern: RegExp) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^rpk: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("rpk plan on the examples", () => {
  for (const example of EXAMPLES) {
    it(`${example}: matches the reviewed snapshot`, async () => {
      const result = runRpk(["plan", `examples/${example}`]);
      expect(result.stderr).toBe(EXPECTED_WARNINGS[example] ?? "");
      expect(result.code).toBe(0);
      await expect(result.stdout).toMatchFileSnapshot(`__snapshots__/${example}.rpk.json`);
    });
  }

  it("gives byte-identical plans for the same tree at two different paths", () => {
    const a = join(scratch, "a", "deep", "monorepo");
    const b = join(scratch, "b");
    cpSync(join(repoRoot, "examples/monorepo"), a, { recursive: true });
    cpSync(join(repoRoot, "examples/monorepo"), b, { recursive: true });
    const first = runRpk(["plan", a]);
    const second = runRpk(["plan", "."], { cwd: b });
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).not.toContain(scratch);
  });

  it("writes --out atomically and leaves no temp files", () => {
    const dir = join(scratch, "out");
    cpSync(join(repoRoot, "examples/hello"), dir, { recursive: true });
    const result = runRpk(["plan", dir, "--out", join(dir, "rpk.json")]);
    expect(result.code).toBe(0);
    expect(runRpk(["plan", dir]).stdout).toBe(readFileSync(join(dir, "rpk.json"), "utf8"));
    expect(readdirSync(dir).filter((f: string) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("records arch, runtime and artifact settings from flags and the config file", () => {
    const dir = join(scratch, "configured");
    cpSync(join(repoRoot, "examples/monorepo"), dir, { recursive: true });
    writeFileSync(
      join(dir, "rpk.config.json"),
      JSON.stringify({ artifact: "image", targets: ["api", "worker"], overrides: { worker: { arch: "arm64" } } }),
    );
    const plan = JSON.parse(runRpk(["plan", dir, "--runtime", "provided.al2"]).stdout);
    expect(plan.artifact).toBe("image");
    expect(
      plan.targets.map((t: { name: string; arch: string; runtime: string }) => [t.name, t.arch, t.runtime]),
    ).toEqual([
      ["api", "x86_64", "provided.al2"],
      ["worker", "arm64", "provided.al2"],
    ]);
  });
});

describe("rpk errors", () => {
  it("not a directory", () => {
    expectOneLineError(runRpk(["plan", "package.json"]), 1, /package\.json is not a directory/);
  });

  it("missing directory", () => {
    expectOneLineError(runRpk(["plan", "no/such/dir"]), 1, /does not exist/);
  });

  it("no Go module", () => {
    const dir = join(scratch, "empty");
    mkdirSync(dir, { recursive: true });
    expectOneLineError(runRpk(["plan", dir]), 1, /go\.mod/);
  });

  it("malformed go.mod names file and line", () => {
    const dir = join(scratch, "badmod");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "go.mod"), "module example.com/bad\n\ngo 1.26\n\nrequire (\n\tgithub.com/x/y\n)\n");
    writeFileSync(join(dir, "main.go"), "package main\nfunc main() {}\n");
    expectOneLineError(runRpk(["plan", dir]), 1, /go\.mod:6/);
  });

  it("no main package", () => {
    const dir = join(scratch, "lib");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "go.mod"), "module example.com/lib\n\ngo 1.26.8\n");
    writeFileSync(join(dir, "lib.go"), "package lib\n");
    expectOneLineError(runRpk(["plan", dir]), 1, /no main package/);
  });

  it("unknown --target lists the known ones", () => {
    expectOneLineError(
      runRpk(["plan", "examples/monorepo", "--target", "nope"]),
      1,
      /unknown target "nope".*api, migrate, thumbnail, worker/,
    );
  });

  it("invalid config names the file and field", () => {
    const dir = join(scratch, "badconfig");
    cpSync(join(repoRoot, "examples/hello"), dir, { recursive: true });
    writeFileSync(join(dir, "rpk.config.json"), JSON.stringify({ arch: "sparc" }));
    expectOneLineError(runRpk(["plan", dir]), 1, /rpk\.config\.json: arch: /);
  });

  it("usage errors exit 2", () => {
    expectOneLineError(runRpk(["plan", "--arch", "mips"]), 2, /arch/);
    expectOneLineError(runRpk(["frobnicate"]), 2, /frobnicate/);
  });

  it("--debug shows the stack", () => {
    const result = runRpk(["plan", "no/such/dir", "--debug"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe("rpk schema and info", () => {
  it("prints the plan JSON Schema and the config schema", () => {
    const plan = JSON.parse(runRpk(["schema"]).stdout);
    expect(plan.$id).toBe("https://rpk.dev/schemas/plan-v1.json");
    const config = JSON.parse(runRpk(["schema", "--config"]).stdout);
    expect(config.$id).toBe("https://rpk.dev/schemas/config-v1.json");
    expect(Object.keys(config.properties)).toContain("overrides");
  });

  it("explains why each target is or is not a Lambda", () => {
    const result = runRpk(["info", "examples/monorepo"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/api — \.\/cmd\/api — lambda/);
    expect(result.stdout).toMatch(/lambda\.StartWithOptions at internal\/runtime\/runtime\.go:\d+ via/);
    expect(result.stdout).toMatch(/migrate — \.\/cmd\/migrate — command/);
    expect(result.stdout).toMatch(/Go 1\.26\.8 \(from \.go-version/);
  });
});
