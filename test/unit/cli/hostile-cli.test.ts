/** Issue 13 at the CLI: failed stdout writes, control bytes from input files, plans rpk writes must load. */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, repoRoot, runRpk } from "./run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "rpk-hostile-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

describe.skipIf(!existsSync("/dev/full"))("a failed write to stdout", () => {
  it.each([
    ["plan", ["plan", "examples/hello"]],
    ["info", ["info", "examples/hello"]],
    ["llb", ["llb", "examples/hello"]],
    ["schema", ["schema"]],
  ])("rpk %s > /dev/full: one line, exit 1", (_, args) => {
    const full = openSync("/dev/full", "w");
    try {
      const result = spawnSync(process.execPath, [cliPath, ...args], {
        cwd: repoRoot,
        stdio: ["ignore", full, "pipe"],
      });
      const stderr = result.stderr.toString("utf8");
      expect(stderr).toBe("rpk: cannot write to standard output (ENOSPC) — the device it goes to is full\n");
      expect(result.status).toBe(1);
    } finally {
      closeSync(full);
    }
  });
});

describe("control bytes from input files", () => {
  it("are escaped in error messages", () => {
    const root = tree("escape", { "go.mod": "module example.com/x\n\ngo 1.2\x1bZ\x07\n" });
    const result = runRpk(["plan", root]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(result.stderr).toContain('bad go version "1.2\\x1bZ\\x07"');
  });
});
