/** Issue 13 at the CLI: failed stdout writes, control bytes from input files, plans rpk writes must load. */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, repoRoot, runRpk } from "../../helpers/run-cli.js";

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
    expect([...result.stderr].filter((c) => c !== "\n" && c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(result.stderr).toContain('bad go version "1.2\\x1bZ\\x07"');
  });
});

describe("control bytes in names from the tree", () => {
  it("rpk info prints a directory named with an escape sequence escaped", () => {
    const root = tree("escape-dir", {
      "go.mod": "module example.com/x\n\ngo 1.22\n",
      "cmd/\u001b[2Jred/main.go": "package main\n\nfunc main() {}\n",
    });
    const result = runRpk(["info", root]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("./cmd/\\x1b[2Jred");
    expect([...result.stdout].filter((c) => c !== "\n" && c.charCodeAt(0) < 0x20)).toEqual([]);
  });
});

describe("pre-release Go versions", () => {
  const main = "package main\n\nfunc main() {}\n";

  it("of an unreleased minor: rpk plan refuses with one line instead of writing a plan llb rejects", () => {
    const root = tree("beta", { "go.mod": "module example.com/beta\n\ngo 1.30beta1\n", "main.go": main });
    const result = runRpk(["plan", root]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^rpk: go\.mod: Go 1\.30beta1 is a pre-release and rpk builds with released toolchains only \(newest known: [\d.]+\) — pin a full version/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("of a released minor: the plan pins the newest patch, and rpk llb --plan loads it", () => {
    const root = tree("rc", { "go.mod": "module example.com/rc\n\ngo 1.22rc1\n", "main.go": main });
    const planFile = join(scratch, "rc.rpk.json");
    const plan = runRpk(["plan", root, "--out", planFile]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    const llb = runRpk(["llb", root, "--plan", planFile], { encoding: "buffer" });
    expect(llb.stderr).toBe("");
    expect(llb.code).toBe(0);
    expect(llb.stdoutBuffer!.length).toBeGreaterThan(100);
  });
});
