import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analyze/index.js";
import { scanGoFile } from "../../../src/analyze/scan-go-file.js";
import { isUserError } from "../../../src/errors.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { writeMainPerFile, writeModuleCollection, writeNestedModule } from "../../helpers/layouts.js";
import { tempDir } from "../support/temp-dir.js";
import { goMod, makeTree } from "./tree.js";

describe("analyze: modules below the root that its build does not reach", () => {
  it("plans every module below a root without go.mod, each resolving imports in its own module", async () => {
    const a = await analyze(writeModuleCollection(tempDir("rpk-layout-")));
    expect(a.workspace).toBeUndefined();
    expect(a.modules.map((m) => [m.dir, m.path, m.origin, m.sees])).toEqual([
      ["./services/svc-b", "example.com/fn", "standalone", ["./services/svc-b"]],
      ["./svc-a", "example.com/fn", "standalone", ["./svc-a"]],
    ]);
    // Both modules are example.com/fn: each main's closure stays inside its own module.
    expect(a.mains.map((m) => [m.dir, m.module, m.kind, m.localPackages])).toEqual([
      ["./services/svc-b", "./services/svc-b", "lambda", ["./services/svc-b", "./services/svc-b/greet"]],
      ["./svc-a", "./svc-a", "lambda", ["./svc-a", "./svc-a/greet"]],
    ]);
    expect(a.warnings.filter((w) => w.includes("appears twice"))).toEqual([]);
  });

  it("skips vendor, testdata, node_modules, dot and underscore dirs, and finds modules nested in found ones", async () => {
    const root = makeTree({
      "a/go.mod": goMod("example.com/a"),
      "a/main.go": "package main\n\nfunc main() {}\n",
      "a/inner/go.mod": goMod("example.com/inner"),
      "a/inner/main.go": "package main\n\nfunc main() {}\n",
      "vendor/v/go.mod": goMod("example.com/v"),
      "testdata/t/go.mod": goMod("example.com/t"),
      "node_modules/n/go.mod": goMod("example.com/n"),
      ".git/g/go.mod": goMod("example.com/g"),
      "_old/o/go.mod": goMod("example.com/o"),
    });
    const a = await analyze(root);
    expect(a.modules.map((m) => m.dir)).toEqual(["./a", "./a/inner"]);
    expect(a.mains.map((m) => [m.dir, m.module])).toEqual([
      ["./a", "./a"],
      ["./a/inner", "./a/inner"],
    ]);
  });

  it("names the directories of .go files outside every module in one warning (at most five, then a count)", async () => {
    // A repo of Lambdas where one has a go.mod and the others were built with `go build main.go`.
    const files: Record<string, string> = {
      "lambda/process/go.mod": goMod("example.com/process"),
      "lambda/process/main.go": "package main\n\nfunc main() {}\n",
    };
    for (const name of ["a", "b", "c", "d", "e", "f", "g"])
      files[`lambda/${name}/main.go`] = "package main\n\nfunc main() {}\n";
    const a = await analyze(makeTree(files));
    expect(a.mains.map((m) => m.dir)).toEqual(["./lambda/process"]);
    expect(a.warnings.filter((w) => w.includes("outside every module"))).toEqual([
      "7 directories hold .go files outside every module and are not planned (./lambda/a, ./lambda/b, ./lambda/c, " +
        "./lambda/d, ./lambda/e, and 2 more): to build one, run `go mod init <module path> && go mod tidy` in the " +
        "directory of its code",
    ]);
    const one = await analyze(
      makeTree({
        "svc/go.mod": goMod("example.com/svc"),
        "svc/main.go": files["lambda/a/main.go"]!,
        "tools/gen.go": "package tools\n",
      }),
    );
    expect(one.warnings.filter((w) => w.includes("outside every module"))).toEqual([
      "1 directory holds .go files outside every module and is not planned (./tools): to build one, run " +
        "`go mod init <module path> && go mod tidy` in the directory of its code",
    ]);
  });

  it("lets a standalone module see the module its local replace points at", async () => {
    const root = makeTree({
      "lib/go.mod": goMod("example.com/lib"),
      "lib/lib.go": "package lib\n",
      "app/go.mod": goMod("example.com/app", "require example.com/lib v0.0.0\nreplace example.com/lib => ../lib\n"),
      "app/main.go": 'package main\n\nimport _ "example.com/lib"\n\nfunc main() {}\n',
    });
    const a = await analyze(root);
    expect(a.modules.find((m) => m.dir === "./app")!.sees).toEqual(["./app", "./lib"]);
    expect(a.mains.map((m) => [m.dir, m.localPackages])).toEqual([["./app", ["./app", "./lib"]]]);
  });

  it("leaves out a standalone module whose go.mod is broken, with a warning; fails when it is the only one", async () => {
    const root = makeTree({
      "good/go.mod": goMod("example.com/good"),
      "good/main.go": "package main\n\nfunc main() {}\n",
      "bad/go.mod": "module x\n\nrequire y\n",
    });
    const a = await analyze(root);
    expect(a.modules.map((m) => m.dir)).toEqual(["./good"]);
    expect(a.warnings.some((w) => w.startsWith("./bad not built: bad/go.mod:3: usage: require"))).toBe(true);
    const onlyBad = makeTree({ "bad/go.mod": "module x\n\nrequire y\n" });
    await expect(analyze(onlyBad)).rejects.toThrow(/^bad\/go\.mod:3: usage: require/);
  });

  it("plans a nested module of a module root as its own module, next to the root's", async () => {
    const a = await analyze(writeNestedModule(tempDir("rpk-layout-")));
    expect(a.modules.map((m) => [m.dir, m.origin])).toEqual([
      [".", "root"],
      ["./lambda", "standalone"],
    ]);
    expect(a.mains.map((m) => [m.dir, m.module, m.kind])).toEqual([
      [".", ".", "command"],
      ["./lambda", "./lambda", "lambda"],
    ]);
  });

  it("names, but does not plan, a nested module that go.work leaves out", async () => {
    const root = makeTree({
      "go.work": "go 1.22\n\nuse ./svc\n",
      "svc/go.mod": goMod("example.com/svc"),
      "svc/main.go": "package main\n\nfunc main() {}\n",
      "tools/go.mod": goMod("example.com/tools"),
      "tools/main.go": "package main\n\nfunc main() {}\n",
    });
    const a = await analyze(root);
    expect(a.modules.map((m) => m.dir)).toEqual(["./svc"]);
    expect(a.warnings).toContain(
      "module not in go.work's use list is not built (./tools/go.mod): add it to go.work's use list, or run rpk in ./tools, to build it",
    );
  });
});

describe("analyze: func main declared in several files (NEW-C)", () => {
  it("records each file's top-level func main, on the package", async () => {
    const a = await analyze(writeMainPerFile(tempDir("rpk-layout-")));
    expect(a.mains.map((m) => [m.dir, m.mainFuncs])).toEqual([
      [
        "./fns",
        [
          { file: "fns/create.go", line: 7 },
          { file: "fns/delete.go", line: 8 },
        ],
      ],
    ]);
  });

  it("plans the other mains without that directory, with a warning, unless targets name it", async () => {
    const dir = writeMainPerFile(tempDir("rpk-layout-"));
    mkdirSync(path.join(dir, "ok"));
    writeFileSync(path.join(dir, "ok", "main.go"), "package main\n\nfunc main() {}\n");
    const arm = { ...DEFAULT_SETTINGS, overrides: { ok: { arch: "arm64" as const } } };
    const { plan, analysis, warnings } = await planDirectory(dir, arm);
    expect(plan.targets.map((t) => [t.package, t.arch])).toEqual([["./ok", "arm64"]]);
    expect(analysis.mains.map((m) => m.dir)).toEqual(["./ok"]);
    expect(warnings).toEqual([
      "./fns declares func main in 2 files (fns/create.go:7, fns/delete.go:8); left out of the plan (./fns): rpk builds one main package per directory: move each of these files (with what it alone uses) into its own directory, or name other targets with --target",
    ]);
    const named = { ...DEFAULT_SETTINGS, targets: ["fns", "ok"], targetsFrom: "rpk.config.json" };
    const error = await planDirectory(dir, named).catch((e: unknown) => e);
    expect(isUserError(error) && error.message).toMatch(/^\.\/fns declares func main in 2 files \(/);
  });

  it("finds only column-0 `func main(`: not methods, not other functions", () => {
    const scan = (text: string) => scanGoFile(text, { file: "x.go" }).mainLine;
    expect(scan("package main\n\nfunc main() {}\n")).toBe(3);
    expect(scan("package main\n\nfunc (s T) main() {}\nfunc mainly() {}\n")).toBeUndefined();
    expect(scan("package lib\n\nfunc main() {}\n")).toBeUndefined();
    expect(scan("package main\n// x\nfunc  main ( ) {}\n")).toBe(3);
  });
});
