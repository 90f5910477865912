import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runRpk } from "../../helpers/run-cli.js";

/**
 * src/cli/run.ts hands a command's arguments out of yargs by throwing a RunCommand from the handler yargs
 * calls, so yargs never reaches its help-rendering line after the handler. These tests check that the
 * dispatch still works and that the yargs release it was written against is the one installed.
 */

describe("runCli's RunCommand dispatch", () => {
  it("runs the command's handler with its parsed arguments", () => {
    const result = runRpk(["schema", "--config"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties?: Record<string, unknown> };
    expect(Object.keys(schema.properties ?? {})).toContain("overrides");
  });

  it("passes a handler's user error through as one line and its exit code", () => {
    const result = runRpk(["plan", `${repoRoot}does-not-exist`]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^rpk: .*does-not-exist/);
  });

  it("keeps usage errors (exit 2) and --help (exit 0) working", () => {
    const usage = runRpk(["plan", "--arch", "sparc"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^rpk: .*sparc/);
    const help = runRpk(["plan", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--arch");
  });

  it("is written against the installed yargs: pinned minor, help cached right after the handler", () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, "utf8")) as { dependencies: Record<string, string> };
    const range = pkg.dependencies.yargs!;
    expect(range).toMatch(/^~\d+\.\d+\.\d+$/); // a new minor must be a deliberate upgrade that re-checks run.ts
    const require = createRequire(import.meta.url);
    const installed = (require("yargs/package.json") as { version: string }).version;
    expect(installed.split(".").slice(0, 2)).toEqual(range.slice(1).split(".").slice(0, 2));
    // The line the workaround steps around: if yargs stops rendering help after a handler, run.ts can go back
    // to plain handlers.
    const command = readFileSync(join(dirname(require.resolve("yargs/package.json")), "build/lib/command.js"), "utf8");
    expect(command).toMatch(/commandHandler\.handler\(result\)[\s\S]{0,400}cacheHelpMessage\(\)/);
  });
});
