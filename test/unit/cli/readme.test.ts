import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runRpk } from "../../helpers/run-cli.js";

/** Docs that drift from flags are a defect: every flag a command accepts is documented in the README. */
const COMMANDS = ["plan", "info", "schema", "llb", "build", "invoke", "dev", "doctor", "daemon"];
const GLOBAL = new Set(["--help", "--version", "--debug"]);

describe("README", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  for (const command of COMMANDS) {
    it(`documents every flag of rpk ${command}`, () => {
      const help = runRpk([command, "--help"]);
      expect(help.code).toBe(0);
      const flags = [...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
      expect(flags.length).toBeGreaterThan(0);
      const missing = flags.filter((f) => !GLOBAL.has(f) && !new RegExp(`${f}(?![a-z-])`).test(readme));
      expect(missing).toEqual([]);
    });
  }
});
