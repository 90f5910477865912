/** Issue 13: hostile Go sources never make the scanner throw, and a bad file is reported, not dropped. */
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyze,
  buildTagSet,
  evalBuildConstraint,
  LAMBDA_PACKAGE,
  miseGoVersion,
  scanGoFile,
} from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";
import { goMod, makeTree } from "./tree.js";

const tags = {
  withCgo: buildTagSet({ arch: "amd64", cgo: true, goMinor: 22 }),
  withoutCgo: buildTagSet({ arch: "amd64", cgo: false, goMinor: 22 }),
};

describe("build constraints nested past the go command's limit", () => {
  it.each([
    ["unbalanced (", `//go:build ${"(".repeat(100_000)}`],
    ["balanced ( )", `//go:build ${"(".repeat(50_000)}linux${")".repeat(50_000)}`],
    ["! chains", `//go:build ${"! ".repeat(100_000)}linux`],
    ["1001 operands", `//go:build ${Array.from({ length: 1001 }, () => "linux").join(" && ")}`],
  ])("%s: scanGoFile reports the file instead of throwing", (_, line) => {
    const scan = scanGoFile(`${line}\n\npackage main\n`, { file: "deep.go", tags });
    expect(scan.problem).toMatch(
      /^deep\.go: (build expression too large|double negation not allowed) in build constraint/,
    );
    expect(scan.problem!.length).toBeLessThan(200);
    expect(scan.buildsWithCgo).toBe(false);
    expect(scan.buildsWithoutCgo).toBe(false);
  });

  it("quotes an unexpected control character escaped (found by npm run fuzz)", () => {
    const scan = scanGoFile("//go:build \u001b\n\npackage main\n", { file: "esc.go", tags });
    expect(scan.problem).toBe('esc.go: unexpected "\\x1b" in build constraint "\\x1b"');
  });

  it("accepts 1000 operands and nesting 999 deep, as go/build/constraint does", () => {
    const set = tags.withCgo;
    expect(evalBuildConstraint(`//go:build ${Array.from({ length: 1000 }, () => "linux").join(" && ")}`, set)).toBe(
      true,
    );
    expect(evalBuildConstraint(`//go:build ${"(".repeat(999)}linux${")".repeat(999)}`, set)).toBe(true);
  });

  it("rejects more than 100 operators on a // +build line", () => {
    expect(() => evalBuildConstraint(`// +build ${"linux ".repeat(101)}`, tags.withCgo)).not.toThrow();
    expect(() => evalBuildConstraint(`// +build ${"linux ".repeat(102)}`, tags.withCgo)).toThrow(
      "expression too complex for // +build lines",
    );
  });

  it("analyze lists the file as a warning (the package keeps its other files)", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/deep"),
      "main.go": "package main\n\nfunc main() {}\n",
      "deep.go": `//go:build ${"(".repeat(20_000)}\n\npackage main\n`,
    });
    const analysis = await analyze(root);
    expect(analysis.packages[0]!.goFiles).toEqual(["main.go"]);
    // One warning line: what (where): what to do.
    expect(analysis.warnings).toEqual([
      expect.stringMatching(/^cannot parse Go file: build expression too large .*\(deep\.go\): fix the file; /),
    ]);
  });
});

/** CPU milliseconds of `run` (not wall time: the machine is shared). */
function cpuMs(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe("inputs that made parsers super-linear (the 1 vs 8 MiB checks are in test/unit/linear)", () => {
  it("mise.toml: a 2 KB line of [, spaces and x (cubic regex: 3 s) parses in milliseconds", () => {
    const text = `[${" ".repeat(2048)}x\n[tools]\ngo = "1.22"\n`;
    let version: string | undefined;
    expect(cpuMs(() => (version = miseGoVersion(text)))).toBeLessThan(250);
    expect(version).toBe("1.22");
  });

  it("Go lexer: 1 MiB of block comments on one line of a Lambda file (quadratic line counting) lexes fast", () => {
    const text = `package main\n\nimport "${LAMBDA_PACKAGE}"\n\n${"/**/`r`".repeat(150_000)}\nfunc main() { lambda.Start(h) }\n`;
    let scan: ReturnType<typeof scanGoFile> | undefined;
    expect(cpuMs(() => (scan = scanGoFile(text, { file: "main.go", tags })))).toBeLessThan(250);
    expect(scan!.lambdaStarts).toEqual([{ call: "lambda.Start", pos: { file: "main.go", line: 6 } }]);
  });

  it("a //go:embed line with a million patterns does not overflow the stack", () => {
    const text = `package main\n\nimport _ "embed"\n\n//go:embed ${"a ".repeat(1_000_000)}\nvar x string\n`;
    expect(scanGoFile(text, { file: "main.go", tags }).embedPatterns).toHaveLength(1_000_000);
  });
});

describe("size limits of the files read whole", () => {
  it.each(["go.mod", ".go-version", "mise.toml"])("a %s over 16 MiB is a UserError naming it", async (file) => {
    const root = makeTree({ "go.mod": goMod("example.com/big"), "main.go": "package main\n\nfunc main() {}\n" });
    if (file !== "go.mod") writeFileSync(join(root, file), "1.22\n");
    truncateSync(join(root, file), 17 * 1024 * 1024); // sparse: only the size matters
    const error = await analyze(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `${file}: file is 17.0 MiB; rpk reads at most 16 MiB of it — this is not a real go.mod/go.work/version file: remove or shrink it`,
    );
  });
});
