import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRpk } from "../../helpers/run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "rpk-warnings-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A module with one good main, a directory mixing two packages and an unparsable file with an ESC in its name. */
function treeWithWarnings(): string {
  const root = mkdtempSync(join(scratch, "tree-"));
  const files: Record<string, string> = {
    "go.mod": "module example.com/w\n\ngo 1.22\n",
    "cmd/ok/main.go": "package main\n\nfunc main() {}\n",
    "cmd/mixed/main.go": "package main\n\nfunc main() {}\n",
    "cmd/mixed/helper.go": "package helper\n",
    "lib/x\u001b[31m.go": "func nothing() {}\n",
    "lib/lib.go": "package lib\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const EXPECTED = [
  "warning: cannot parse Go file: expected package clause (lib/x\\x1b[31m.go:1): fix the file; rpk leaves it out of its package",
  "warning: directory ./cmd/mixed mixes package helper and package main (cmd/mixed/helper.go, cmd/mixed/main.go): move each package to its own directory; rpk skips this one",
];

describe("analyzer warnings on the command line", () => {
  const root = treeWithWarnings();

  it("rpk plan prints each warning on stderr, escaped, and a clean plan on stdout", () => {
    const result = runRpk(["plan", root]);
    expect(result.code).toBe(0);
    expect(result.stderr.trimEnd().split("\n")).toEqual(EXPECTED);
    const plan = JSON.parse(result.stdout) as { targets: { name: string }[] };
    expect(plan.targets.map((t) => t.name)).toEqual(["ok"]);
  });

  it("rpk llb prints them on stderr and keeps stdout the bare LLB", () => {
    const plain = runRpk(["llb", root], { encoding: "buffer" });
    expect(plain.code).toBe(0);
    expect(plain.stderr.trimEnd().split("\n")).toEqual(EXPECTED);
    expect(plain.stdoutBuffer!.includes(Buffer.from("warning"))).toBe(false);
  });

  it("--strict makes them an error: exit 1, the first warning and the count", () => {
    for (const command of ["plan", "llb"]) {
      const result = runRpk([command, root, "--strict"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines.slice(0, 2)).toEqual(EXPECTED);
      expect(lines[2]).toBe(
        `rpk: --strict: ${EXPECTED[0]!.slice("warning: ".length)} (and 1 more above) — fix what the warnings name, or build without --strict`,
      );
      expect(lines).toHaveLength(3);
    }
  });

  it("a required replace that points outside the tree fails at plan time naming go.mod:line", () => {
    const root2 = mkdtempSync(join(scratch, "replace-"));
    writeFileSync(
      join(root2, "go.mod"),
      "module example.com/r\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
    );
    writeFileSync(join(root2, "main.go"), "package main\n\nfunc main() {}\n");
    const result = runRpk(["plan", root2]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^rpk: go\.mod:7: replace example\.com\/lib: replacement \.\.\/lib is outside the build context .* — BuildKit sees only/,
    );
  });
});
