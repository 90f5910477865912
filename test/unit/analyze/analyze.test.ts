import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";
import { goMod, LAMBDA_REQUIRE, makeTree } from "./tree.js";

const MAIN = "package main\n\nfunc main() {}\n";
const LAMBDA_MAIN =
  'package main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc main() { lambda.Start(handler) }\n\nfunc handler() {}\n';

describe("analyze: tree walking", () => {
  it("skips testdata, vendor, dot and underscore dirs and nested modules", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app"),
      "main.go": MAIN,
      "cmd/tool/main.go": MAIN,
      "testdata/fixture/main.go": MAIN,
      "vendor/example.com/dep/dep.go": "package dep\n",
      "pkg/vendor/x/x.go": "package x\n",
      ".hidden/main.go": MAIN,
      "_old/main.go": MAIN,
      "nested/go.mod": goMod("example.com/nested"),
      "nested/main.go": MAIN,
      "nested/sub/main.go": MAIN,
      "lib/_ignored.go": 'package lib\nimport "github.com/aws/aws-lambda-go/lambda"\n',
      "lib/.hidden.go": "package other\n",
      "lib/lib.go": "package lib\n",
    });
    const a = await analyze(root);
    expect(a.root).toBe(root);
    // The nested module is not part of the root module: it is walked as its own (standalone) module.
    expect(a.packages.map((p) => p.dir)).toEqual([".", "./cmd/tool", "./lib", "./nested", "./nested/sub"]);
    expect(a.mains.map((m) => [m.dir, m.module, m.kind])).toEqual([
      [".", ".", "command"],
      ["./cmd/tool", ".", "command"],
      ["./nested", "./nested", "command"],
      ["./nested/sub", "./nested", "command"],
    ]);
    expect(a.packages.find((p) => p.dir === "./lib")!.goFiles).toEqual(["lib.go"]);
    expect(a.modules.map((m) => [m.dir, m.path, m.origin])).toEqual([
      [".", "example.com/app", "root"],
      ["./nested", "example.com/nested", "standalone"],
    ]);
  });

  it("honours go.mod ignore directives", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", "ignore ./web\nignore node_modules\n"),
      "main.go": MAIN,
      "web/main.go": MAIN,
      "ui/node_modules/pkg/main.go": MAIN,
      "ui/web/main.go": MAIN,
    });
    expect((await analyze(root)).packages.map((p) => p.dir)).toEqual([".", "./ui/web"]);
  });

  it("fails without go.mod or go.work", async () => {
    const root = makeTree({ "main.go": MAIN });
    await expect(analyze(root)).rejects.toThrow(UserError);
    await expect(analyze(root)).rejects.toThrow(
      /has \.go files but there is no go\.mod in or below .* — run `go mod init/,
    );
    const empty = makeTree({ "README.md": "nothing here\n" });
    await expect(analyze(empty)).rejects.toThrow(/no go.mod or go.work in or below .* — run rpk in a Go module root/);
  });

  it("fails with file:line for a malformed go.mod in the build", async () => {
    const root = makeTree({ "go.work": "go 1.22\nuse ./svc\n", "svc/go.mod": "module x\n\nrequire y\n" });
    await expect(analyze(root)).rejects.toThrow(/^svc\/go\.mod:3: usage: require/);
  });
});

describe("analyze: Lambda detection", () => {
  it("finds direct, aliased, dot-imported, lambdaurl and indirect starts", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", LAMBDA_REQUIRE),
      "cmd/direct/main.go": LAMBDA_MAIN,
      "cmd/alias/main.go":
        'package main\nimport lam "github.com/aws/aws-lambda-go/lambda"\nfunc main() { lam.StartWithOptions(h) }\nfunc h() {}\n',
      "cmd/dot/main.go":
        'package main\nimport . "github.com/aws/aws-lambda-go/lambda"\nfunc main() { StartHandler(nil) }\n',
      "cmd/url/main.go":
        'package main\nimport "github.com/aws/aws-lambda-go/lambdaurl"\nfunc main() { lambdaurl.Start(nil) }\n',
      "cmd/indirect/main.go": 'package main\nimport "example.com/app/internal/boot"\nfunc main() { boot.Run() }\n',
      "internal/boot/boot.go": 'package boot\nimport "example.com/app/internal/runtime"\nfunc Run() { runtime.Go() }\n',
      "internal/runtime/rt.go":
        'package runtime\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc Go() {\n\tlambda.Start(func() {})\n}\n',
      "cmd/cli/main.go": 'package main\nimport "fmt"\nfunc main() { fmt.Println("lambda.Start(") }\n',
    });
    const a = await analyze(root);
    const byDir = Object.fromEntries(a.mains.map((m) => [m.dir, m]));
    expect(Object.keys(byDir)).toEqual([
      "./cmd/alias",
      "./cmd/cli",
      "./cmd/direct",
      "./cmd/dot",
      "./cmd/indirect",
      "./cmd/url",
    ]);
    expect(byDir["./cmd/direct"]).toMatchObject({
      kind: "lambda",
      lambdaVia: ["example.com/app/cmd/direct"],
      lambdaCall: { call: "lambda.Start", pos: { file: "cmd/direct/main.go", line: 5 } },
    });
    expect(byDir["./cmd/alias"]!.lambdaCall!.call).toBe("lambda.StartWithOptions");
    expect(byDir["./cmd/dot"]!.lambdaCall!.call).toBe("lambda.StartHandler");
    expect(byDir["./cmd/url"]!.lambdaCall!.call).toBe("lambdaurl.Start");
    expect(byDir["./cmd/indirect"]).toMatchObject({
      kind: "lambda",
      lambdaVia: ["example.com/app/cmd/indirect", "example.com/app/internal/boot", "example.com/app/internal/runtime"],
      lambdaCall: { call: "lambda.Start", pos: { file: "internal/runtime/rt.go", line: 5 } },
      localPackages: ["./cmd/indirect", "./internal/boot", "./internal/runtime"],
    });
    expect(byDir["./cmd/cli"]).toMatchObject({ kind: "command", localPackages: ["./cmd/cli"] });
    expect(byDir["./cmd/cli"]!.reason).toMatch(/no package .* calls lambda.Start/);
    expect(byDir["./cmd/cli"]!.lambdaVia).toBeUndefined();
  });

  it("ignores build-excluded files and test files", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", LAMBDA_REQUIRE),
      "cmd/a/main.go": MAIN,
      "cmd/a/start.go": `//go:build ignore\n\n${LAMBDA_MAIN.replace("func main() {", "func main2() {")}`,
      "cmd/b/main.go": MAIN,
      "cmd/b/start_windows.go": LAMBDA_MAIN.replace("func main() {", "func start() {"),
      "cmd/c/main.go": MAIN,
      "cmd/c/main_test.go": LAMBDA_MAIN.replace("func main() {", "func TestX() {"),
      "cmd/d/main.go": MAIN,
      "cmd/d/start.go": `// +build darwin\n\n${LAMBDA_MAIN.replace("func main() {", "func start() {")}`,
    });
    const a = await analyze(root);
    expect(a.mains.map((m) => [m.dir, m.kind])).toEqual([
      ["./cmd/a", "command"],
      ["./cmd/b", "command"],
      ["./cmd/c", "command"],
      ["./cmd/d", "command"],
    ]);
    expect(a.packages.find((p) => p.dir === "./cmd/b")!.goFiles).toEqual(["main.go"]);
    expect(a.packages.find((p) => p.dir === "./cmd/c")!.imports).toEqual([]);
  });

  it("selects arch-specific files per arch", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", LAMBDA_REQUIRE),
      "main.go": MAIN,
      "start_arm64.go": LAMBDA_MAIN.replace("func main() {", "func start() {"),
    });
    expect((await analyze(root, { arch: "amd64" })).mains[0]!.kind).toBe("command");
    expect((await analyze(root, { arch: "arm64" })).mains[0]!.kind).toBe("lambda");
  });

  it("evaluates user tags", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", LAMBDA_REQUIRE),
      "main.go": MAIN,
      "start.go": `//go:build aws\n\n${LAMBDA_MAIN.replace("func main() {", "func start() {")}`,
    });
    expect((await analyze(root)).mains[0]!.kind).toBe("command");
    expect((await analyze(root, { tags: ["aws"] })).mains[0]!.kind).toBe("lambda");
  });
});

describe("analyze: workspaces and replaces", () => {
  it("takes only go.work use modules, follows imports across them and applies go.work replaces", async () => {
    const root = makeTree({
      "go.work": "go 1.23\n\nuse (\n\t./svc/api\n\t./libs/boot\n)\n\nreplace example.com/shared => ./shared\n",
      "svc/api/go.mod": goMod("example.com/api", `${LAMBDA_REQUIRE}replace example.com/shared => ./nowhere\n`),
      "svc/api/main.go": 'package main\nimport "example.com/boot"\nfunc main() { boot.Run() }\n',
      "libs/boot/go.mod": goMod("example.com/boot", LAMBDA_REQUIRE, "1.23.4"),
      "libs/boot/boot.go":
        'package boot\nimport "github.com/aws/aws-lambda-go/lambda"\nfunc Run() { lambda.Start(nil) }\n',
      "shared/go.mod": goMod("example.com/shared"),
      "shared/shared.go": "package shared\n",
      "unused/go.mod": goMod("example.com/unused"),
      "unused/main.go": MAIN,
    });
    const a = await analyze(root);
    expect(a.workspace).toMatchObject({ file: "go.work", hasGoWorkSum: false, work: { go: "1.23" } });
    expect(a.modules.map((m) => [m.dir, m.path, m.origin])).toEqual([
      ["./libs/boot", "example.com/boot", "workspace"],
      ["./shared", "example.com/shared", "replace"],
      ["./svc/api", "example.com/api", "workspace"],
    ]);
    expect(a.warnings.some((w) => w.includes("nowhere"))).toBe(false); // overridden by go.work
    expect(a.goVersion).toMatchObject({ version: "1.23.4", source: "go.mod go", file: "libs/boot/go.mod" });
    expect(a.packages.map((p) => [p.dir, p.importPath, p.module])).toEqual([
      ["./libs/boot", "example.com/boot", "./libs/boot"],
      ["./shared", "example.com/shared", "./shared"],
      ["./svc/api", "example.com/api", "./svc/api"],
    ]);
    expect(a.mains).toHaveLength(1);
    expect(a.mains[0]).toMatchObject({
      dir: "./svc/api",
      module: "./svc/api",
      kind: "lambda",
      lambdaVia: ["example.com/api", "example.com/boot"],
      localPackages: ["./libs/boot", "./svc/api"],
    });
  });

  it("pulls local replace targets of the root module into the build", async () => {
    const root = makeTree({
      "go.mod": goMod("example.com/app", "require example.com/helper v0.0.0\nreplace example.com/helper => ./helper\n"),
      "go.sum": "",
      "main.go": 'package main\nimport "example.com/helper/start"\nfunc main() { start.Run() }\n',
      "helper/go.mod": goMod("example.com/helper", LAMBDA_REQUIRE),
      "helper/start/start.go":
        'package start\nimport "github.com/aws/aws-lambda-go/lambda"\nfunc Run() { lambda.Start(nil) }\n',
    });
    const a = await analyze(root);
    expect(a.workspace).toBeUndefined();
    expect(a.modules.map((m) => [m.dir, m.origin, m.hasGoSum])).toEqual([
      [".", "root", true],
      ["./helper", "replace", false],
    ]);
    expect(a.mains[0]).toMatchObject({ kind: "lambda", localPackages: [".", "./helper/start"] });
  });
});

describe("analyze: workspace edge cases", () => {
  it("handles `use .`, nested used modules and unused replaces that leave the tree", async () => {
    const root = makeTree({
      "go.work": "go 1.22\nuse .\nuse ./tools\n",
      "go.mod": goMod("example.com/root", "replace example.com/far => ../far\n"),
      "main.go": 'package main\nimport "example.com/tools/gen"\nfunc main() { gen.Run() }\n',
      "tools/go.mod": goMod("example.com/tools"),
      "tools/gen/gen.go": "package gen\nfunc Run() {}\n",
    });
    const a = await analyze(root);
    expect(a.modules.map((m) => [m.dir, m.origin])).toEqual([
      [".", "workspace"],
      ["./tools", "workspace"],
    ]);
    expect(a.packages.map((p) => [p.dir, p.module])).toEqual([
      [".", "."],
      ["./tools/gen", "./tools"],
    ]);
    expect(a.mains[0]!.localPackages).toEqual([".", "./tools/gen"]);
    expect(a.warnings).toEqual([
      `replacement ../far is outside the build context ${root} (go.mod: replace example.com/far): no module requires example.com/far; remove the replace`,
    ]);
  });
});

describe("analyze: cgo", () => {
  const files = {
    "go.mod": goMod("example.com/app", "require github.com/mattn/go-sqlite3 v1.14.22\n"),
    "cmd/plain/main.go": 'package main\nimport "example.com/app/fallback"\nfunc main() { fallback.X() }\n',
    "fallback/x_cgo.go": '//go:build cgo\n\npackage fallback\n\n// #include <stdio.h>\nimport "C"\n\nfunc X() {}\n',
    "fallback/x_nocgo.go": "//go:build !cgo\n\npackage fallback\n\nfunc X() {}\n",
    "cmd/needs/main.go": 'package main\nimport "example.com/app/native"\nfunc main() { native.Y() }\n',
    "native/y.go": 'package native\n\n/*\n#include <stdlib.h>\n*/\nimport "C"\n\nfunc Y() {}\n',
    "native/y.c": "int y(void) { return 1; }\n",
    "native/y_windows.c": "int w(void) { return 1; }\n",
    "cmd/sqlite/main.go": 'package main\nimport _ "github.com/mattn/go-sqlite3"\nfunc main() {}\n',
  };

  it("needs cgo for files importing C that do not require the cgo tag", async () => {
    const a = await analyze(makeTree(files));
    const byDir = Object.fromEntries(a.mains.map((m) => [m.dir, m]));
    expect(byDir["./cmd/plain"]).toMatchObject({ cgo: false });
    expect(byDir["./cmd/plain"]!.cgoReason).toBeUndefined();
    expect(byDir["./cmd/needs"]).toMatchObject({ cgo: true, cgoReason: 'native/y.go imports "C"' });
    expect(byDir["./cmd/sqlite"]!.cgo).toBe(true);
    expect(byDir["./cmd/sqlite"]!.cgoReason).toContain("github.com/mattn/go-sqlite3");
    const fallback = a.packages.find((p) => p.dir === "./fallback")!;
    expect(fallback.cgo).toBe(false);
    expect(fallback.goFiles).toEqual(["x_cgo.go", "x_nocgo.go"]);
    expect(a.packages.find((p) => p.dir === "./native")!.otherFiles).toEqual(["y.c"]);
  });
});

describe("analyze: determinism", () => {
  it("gives identical results for identical trees and no absolute paths besides root", async () => {
    const files = {
      "go.mod": goMod("example.com/app", LAMBDA_REQUIRE),
      "z/main.go": LAMBDA_MAIN,
      "a/main.go": MAIN,
      "m/lib.go": 'package m\nimport (\n"os"\n"embed"\n"fmt"\n)\n//go:embed b.txt a.txt\nvar f embed.FS\n',
    };
    const one = await analyze(makeTree(files));
    const two = await analyze(makeTree(files));
    const strip = (a: typeof one) => JSON.stringify({ ...a, root: "" });
    expect(strip(one)).toBe(strip(two));
    expect(strip(one)).not.toContain(one.root);
    expect(one.packages.find((p) => p.dir === "./m")).toMatchObject({
      imports: ["embed", "fmt", "os"],
      embedPatterns: ["a.txt", "b.txt"],
    });
  });
});
