import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GO_PASSTHROUGH_ENV } from "../../../src/convert/options.js";
import { writeMainPerFile, writeModuleCollection, writeNestedModule } from "../../helpers/layouts.js";
import { runRpk } from "../../helpers/run-cli.js";
import { tempDir } from "../support/temp-dir.js";

/** Repository layouts seen on public Go Lambda repos (docs/real-world-repos.md NEW-A to NEW-D), on the built CLI. */

const NO_GO_ENV = Object.fromEntries(GO_PASSTHROUGH_ENV.map((key) => [key, ""]));

interface ExecOp {
  exec?: { meta: { args: string[]; env: string[]; cwd: string } };
}

function execs(dir: string): { args: string; env: string[]; cwd: string }[] {
  const result = runRpk(["llb", dir, "--json"], { env: NO_GO_ENV });
  expect(result.stderr).toBe("");
  const found: { args: string; env: string[]; cwd: string }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const op = (value as { op?: ExecOp }).op;
      if (op?.exec) found.push({ args: op.exec.meta.args.join(" "), env: op.exec.meta.env, cwd: op.exec.meta.cwd });
      else Object.values(value).forEach(visit);
    }
  };
  visit(JSON.parse(result.stdout));
  return found;
}

describe("a root without go.mod/go.work, modules below it (NEW-A)", () => {
  const dir = writeModuleCollection(tempDir("rpk-layout-cli-"));

  it("plans each module as its own build: standalone modules, GOWORK=off, includes of its own module only", async () => {
    const result = runRpk(["plan", dir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot("__snapshots__/layout-module-collection.rpk.json");
  });

  it("downloads each module in its own directory, and compiles each target there", () => {
    const steps = execs(dir);
    const downloads = steps
      .filter((s) => s.args === "go mod download")
      .map((s) => [s.cwd, s.env.includes("GOWORK=off")]);
    expect(downloads.sort()).toEqual([
      ["/src/services/svc-b", true],
      ["/src/svc-a", true],
    ]);
    const compiles = steps
      .filter((s) => s.args.includes("-- go build"))
      .map((s) => [s.cwd, s.env.includes("GOWORK=off")]);
    expect(compiles.sort()).toEqual([
      ["/src/services/svc-b", true],
      ["/src/svc-a", true],
    ]);
  });

  it("with --target, downloads only the selected targets' modules", () => {
    const result = runRpk(["llb", dir, "--json", "--target", "svc-a"], { env: NO_GO_ENV });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("/src/svc-a");
    expect(result.stdout).not.toContain("/src/services/svc-b");
  });

  it("rpk info lists the modules found, each as its own build", () => {
    const result = runRpk(["info", dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Modules (2)\n");
    expect(result.stdout).toMatch(/^ {2}\.\/services\/svc-b +example\.com\/fn {2}\(own build\)$/m);
    expect(result.stdout).toMatch(/^ {2}\.\/svc-a +example\.com\/fn {2}\(own build\)$/m);
  });
});

describe("other layouts", () => {
  it("NEW-B: a nested module is planned next to the root module, downloaded after the root's", () => {
    const dir = writeNestedModule(tempDir("rpk-layout-cli-"));
    const plan = JSON.parse(runRpk(["plan", dir]).stdout) as {
      modules: { dir: string; standalone?: boolean }[];
      targets: { name: string; module: string; kind: string; build: { env: Record<string, string> } }[];
    };
    expect(plan.modules.map((m) => [m.dir, m.standalone ?? false])).toEqual([
      [".", false],
      ["./lambda", true],
    ]);
    expect(plan.targets.map((t) => [t.name, t.module, t.kind, t.build.env.GOWORK])).toEqual([
      ["cli", ".", "command", undefined],
      ["lambda", "./lambda", "lambda", "off"],
    ]);
    const downloads = execs(dir).filter((s) => s.args === "go mod download");
    expect(downloads.map((s) => s.cwd).sort()).toEqual(["/src", "/src/lambda"]);
  });

  it("NEW-C: several files declaring func main in one directory fail at plan time when no other main is left", () => {
    const dir = writeMainPerFile(tempDir("rpk-layout-cli-"));
    const result = runRpk(["plan", dir]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "rpk: ./fns declares func main in 2 files (fns/create.go:7, fns/delete.go:8) — rpk builds one main package per directory: move each of these files (with what it alone uses) into its own directory, or name other targets with --target\n",
    );
  });

  it("NEW-C: without --target such a directory is left out with a warning; named, it fails; --strict fails", () => {
    const dir = writeMainPerFile(tempDir("rpk-layout-cli-"));
    mkdirSync(join(dir, "ok"));
    writeFileSync(join(dir, "ok", "main.go"), "package main\n\nfunc main() {}\n");
    const warning =
      "warning: ./fns declares func main in 2 files (fns/create.go:7, fns/delete.go:8); left out of the plan (./fns): rpk builds one main package per directory: move each of these files (with what it alone uses) into its own directory, or name other targets with --target\n";
    const result = runRpk(["plan", dir]);
    expect([result.code, result.stderr]).toEqual([0, warning]);
    const plan = JSON.parse(result.stdout) as { targets: { package: string }[] };
    expect(plan.targets.map((t) => t.package)).toEqual(["./ok"]);

    const named = runRpk(["plan", dir, "--target", "fns"]);
    expect(named.code).not.toBe(0);
    expect(named.stderr).toMatch(
      /^rpk: \.\/fns declares func main in 2 files \(fns\/create\.go:7, fns\/delete\.go:8\) — /,
    );

    const strict = runRpk(["plan", dir, "--strict"]);
    expect(strict.code).not.toBe(0);
    expect(strict.stdout).toBe("");
    expect(strict.stderr).toContain(
      "rpk: --strict: ./fns declares func main in 2 files (fns/create.go:7, fns/delete.go:8); left out of the plan",
    );
  });

  it("NEW-D: .go files and no go.mod anywhere: one line saying to run go mod init there", () => {
    const dir = tempDir("rpk-layout-cli-");
    mkdirSync(join(dir, "service", "api"), { recursive: true });
    writeFileSync(join(dir, "service", "api", "main.go"), "package main\n\nfunc main() {}\n");
    const result = runRpk(["info", dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe(
      `rpk: ${join(dir, "service", "api")} has .go files but there is no go.mod in or below ${dir} (GOPATH-era code?) — run \`go mod init <module path> && go mod tidy\` in the directory that holds the code, then rpk there\n`,
    );
  });
});
