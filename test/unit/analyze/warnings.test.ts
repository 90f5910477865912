import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { printableName } from "../../../src/analyze/findings.js";
import { analyze } from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";
import { goMod, LAMBDA_REQUIRE, makeTree } from "./tree.js";

const MAIN = "package main\n\nfunc main() {}\n";
/** Every warning is one line: `<what> (<where>): <what to do>`. */
const SHAPE = /^[^\n]+ \([^\n]+\): [^\n]+$/;

describe("analyzer warnings", () => {
  it("names both packages of a directory that mixes package main with another", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/m"),
      "cmd/x/main.go": MAIN,
      "cmd/x/util.go": "package util\n",
    });
    const a = await analyze(root);
    expect(a.warnings).toEqual([
      "directory ./cmd/x mixes package main and package util (cmd/x/main.go, cmd/x/util.go): move each package to its own directory; rpk skips this one",
    ]);
    expect(a.mains).toEqual([]);
  });

  it("reports an unparsable Go file with its line", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/m"),
      "main.go": MAIN,
      "bad.go": "// no clause\nfunc x() {}\n",
    });
    const a = await analyze(root);
    expect(a.warnings).toEqual([
      "cannot parse Go file: expected package clause (bad.go:2): fix the file; rpk leaves it out of its package",
    ]);
    expect(a.packages[0]!.goFiles).toEqual(["main.go"]);
  });

  it("reports a Go file that is a dangling symlink", async () => {
    const root = makeTree({ "go.mod": goMod("example.com/m"), "main.go": MAIN });
    symlinkSync("gone.go", path.join(root, "link.go"));
    const a = await analyze(root);
    expect(a.warnings).toEqual([
      "cannot read Go file: dangling symlink (link.go): fix or remove the link; rpk leaves it out",
    ]);
  });

  // Root reads everything whatever the mode bits say: this one runs only as an ordinary user.
  it.skipIf(process.getuid?.() === 0)("reports an unreadable Go file and an unreadable directory", async () => {
    const root = makeTree({ "go.mod": goMod("example.com/m"), "main.go": MAIN, "lib/a.go": "package lib\n" });
    writeFileSync(path.join(root, "secret.go"), "package main\n");
    chmodSync(path.join(root, "secret.go"), 0o000);
    chmodSync(path.join(root, "lib"), 0o000);
    try {
      const a = await analyze(root);
      expect(a.warnings).toEqual([
        "cannot read Go file: EACCES (secret.go): fix its permissions; rpk leaves it out",
        "cannot read directory: EACCES (lib): fix its permissions; rpk skips it",
      ]);
    } finally {
      chmodSync(path.join(root, "lib"), 0o755);
    }
  });

  it("reports names that are not UTF-8, escaped, and leaves them out", async () => {
    const root = makeTree({ "go.mod": goMod("example.com/m"), "main.go": MAIN });
    const bad = Buffer.concat([Buffer.from(path.join(root, "x")), Buffer.from([0xff, 0x1b]), Buffer.from(".go")]);
    writeFileSync(bad, "package main\n");
    mkdirSync(Buffer.concat([Buffer.from(path.join(root, "d")), Buffer.from([0xc3])]));
    const a = await analyze(root);
    expect(a.warnings.sort()).toEqual([
      "name is not valid UTF-8 (d\\xc3): rename it; rpk leaves it out of the analysis",
      "name is not valid UTF-8 (x\\xff\\x1b.go): rename it; rpk leaves it out of the analysis",
    ]);
    expect(a.packages.map((p) => [p.dir, p.goFiles])).toEqual([[".", ["main.go"]]]);
  });

  it("warns about a replace directory nothing requires, but fails for a required one, naming go.mod:line", async () => {
    const unused = makeTree({
      "go.mod": goMod("example.com/m", "replace example.com/gone => ./gone\nreplace example.com/far => ../far\n"),
      "main.go": MAIN,
    });
    const a = await analyze(unused);
    expect(a.warnings).toEqual([
      expect.stringMatching(
        /^replacement \.\.\/far is outside the build context .* \(go\.mod: replace example\.com\/far\): no module requires example\.com\/far; remove the replace$/,
      ),
      "replacement directory ./gone does not exist (go.mod: replace example.com/gone): no module requires example.com/gone; remove the replace",
    ]);
    for (const w of a.warnings) expect(w).toMatch(SHAPE);

    const missing = makeTree({
      "go.mod": goMod("example.com/m", "require example.com/gone v0.0.0\n\nreplace example.com/gone => ./gone\n"),
      "main.go": MAIN,
    });
    await expect(analyze(missing)).rejects.toThrow(
      "go.mod:6: replace example.com/gone: replacement directory ./gone does not exist — fix the path in the replace",
    );
    const outside = makeTree({
      "go.mod": goMod("example.com/m", "require example.com/far v0.0.0\nreplace (\n\texample.com/far => ../far\n)\n"),
      "main.go": MAIN,
    });
    const error = await analyze(outside).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^go\.mod:6: replace example\.com\/far: replacement \.\.\/far is outside the build context /,
    );
  });

  it("fails for a go.work use that is missing, has no go.mod or lies outside, naming go.work:line", async () => {
    const work = (use: string) =>
      makeTree({
        "go.work": `go 1.22\n\nuse (\n\t./api\n\t${use}\n)\n`,
        "api/go.mod": goMod("example.com/api", LAMBDA_REQUIRE),
        "api/main.go": MAIN,
        "empty/x.txt": "",
      });
    await expect(analyze(work("./missing"))).rejects.toThrow("go.work:5: use ./missing: no such directory");
    await expect(analyze(work("./empty"))).rejects.toThrow("go.work:5: use ./empty: the directory has no go.mod");
    await expect(analyze(work("../elsewhere"))).rejects.toThrow(
      /^go\.work:5: use \.\.\/elsewhere is outside the build context /,
    );
  });

  it("escapes invalid UTF-8 and control bytes of a file name for printing", () => {
    expect(printableName(Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0x07]))).toBe("a\\xffé\\x07");
  });
});
