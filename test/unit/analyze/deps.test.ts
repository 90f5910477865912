import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analyze/index.js";
import { compareModuleVersions, escapeModulePath } from "../../../src/analyze/modcache.js";
import { isUserError } from "../../../src/errors.js";
import { detectionWarnings } from "../../../src/plan/detection.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { goMod, makeTree } from "./tree.js";

/**
 * Synthetic trees: the module under app/, a fake module cache under modcache/ laid out as the go command
 * lays it out (<escaped path>@<version>/...). No `go` runs; the analyzer reads these files only.
 */
const LAMBDA_GO = "github.com/aws/aws-lambda-go v1.47.0";

function tree(files: Record<string, string>): { app: string; modCache: string } {
  const root = makeTree(files);
  return { app: path.join(root, "app"), modCache: path.join(root, "modcache") };
}

const mainImporting = (pkg: string, call: string) => `package main\n\nimport "${pkg}"\n\nfunc main() { ${call} }\n`;

const STORE = `package store\n\nimport "example.com/zstd"\n\nfunc Open() { zstd.Compress() }\n`;
const ZSTD_CGO = `package zstd\n\n// #include <stdlib.h>\nimport "C"\n\nfunc Compress() {}\n`;

describe("dependencies: cgo", () => {
  it("finds cgo two modules away and records the chain (the inner module is only in store's go.mod)", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", "require example.com/store v1.0.0\n"),
      "app/main.go": mainImporting("example.com/store", "store.Open()"),
      "modcache/example.com/store@v1.0.0/go.mod": goMod("example.com/store", "require example.com/zstd v0.3.0\n"),
      "modcache/example.com/store@v1.0.0/store.go": STORE,
      "modcache/example.com/zstd@v0.3.0/go.mod": goMod("example.com/zstd"),
      "modcache/example.com/zstd@v0.3.0/zstd.go": ZSTD_CGO,
      "modcache/example.com/zstd@v0.3.0/errors.go": "package zstd\n\nfunc ErrorCode() int { return 0 }\n",
    });
    const a = await analyze(app, { modCache });
    const main = a.mains[0]!;
    expect(main.cgo).toBe(true);
    expect(main.cgoReason).toBe('example.com/app → example.com/store → example.com/zstd (zstd.go imports "C")');
    expect(main.cgoSource).toBe("modcache");
    expect(main.kind).toBe("command");
    expect(main.lambdaSource).toBe("modcache");

    const { plan } = await planDirectory(app, DEFAULT_SETTINGS, { modCache });
    expect(plan.targets[0]!.cgo).toBe(true);
    expect(plan.targets[0]!.build.env.CGO_ENABLED).toBe("1");
    expect(plan.targets[0]!.detection).toEqual({ kind: "modcache", cgo: "modcache" });
  });

  it("does not make a target cgo for a package with a pure-Go fallback (//go:build cgo + !cgo)", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", "require example.com/fastlz v1.2.0\n"),
      "app/main.go": mainImporting("example.com/fastlz", "fastlz.Pack()"),
      "modcache/example.com/fastlz@v1.2.0/lz_cgo.go":
        '//go:build cgo\n\npackage fastlz\n\nimport "C"\n\nfunc Pack() {}\n',
      "modcache/example.com/fastlz@v1.2.0/lz_pure.go": "//go:build !cgo\n\npackage fastlz\n\nfunc Pack() {}\n",
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect(main.cgo).toBe(false);
    expect(main.cgoReason).toBeUndefined();
    expect(main.cgoSource).toBe("modcache");
  });

  it("makes a target cgo when a package has only cgo-guarded files (nothing is left with CGO_ENABLED=0)", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", "require example.com/onlycgo v1.0.0\n"),
      "app/main.go": mainImporting("example.com/onlycgo", "onlycgo.Run()"),
      "modcache/example.com/onlycgo@v1.0.0/run.go":
        '//go:build cgo\n\npackage onlycgo\n\nimport "C"\n\nfunc Run() {}\n',
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect(main.cgo).toBe(true);
    expect(main.cgoReason).toBe('example.com/app → example.com/onlycgo (run.go imports "C", no pure-Go fallback)');
  });

  it("reads vendor/ when the module vendors (no module cache at all)", async () => {
    const { app } = tree({
      "app/go.mod": goMod("example.com/app", "require example.com/store v1.0.0\nrequire example.com/zstd v0.3.0\n"),
      "app/main.go": mainImporting("example.com/store", "store.Open()"),
      "app/vendor/modules.txt":
        "# example.com/store v1.0.0\n## explicit\nexample.com/store\n# example.com/zstd v0.3.0\nexample.com/zstd\n",
      "app/vendor/example.com/store/store.go": STORE,
      "app/vendor/example.com/zstd/zstd.go": ZSTD_CGO,
    });
    const a = await analyze(app);
    expect(a.mains[0]!.cgo).toBe(true);
    expect(a.mains[0]!.cgoSource).toBe("vendor");
    expect(a.packages.map((p) => p.dir)).toEqual(["."]); // vendor/ is not walked as local packages
  });

  it("follows a replace to another module version", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod(
        "example.com/app",
        "require example.com/store v1.0.0\nreplace example.com/store => example.com/fork v1.0.1\n",
      ),
      "app/main.go": mainImporting("example.com/store", "store.Open()"),
      "modcache/example.com/fork@v1.0.1/go.mod": goMod("example.com/store", "require example.com/zstd v0.3.0\n"),
      "modcache/example.com/fork@v1.0.1/store.go": STORE,
      "modcache/example.com/zstd@v0.3.0/zstd.go": ZSTD_CGO,
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect(main.cgo).toBe(true);
    expect(main.unreadModules).toBeUndefined();
  });
});

describe("dependencies: Lambda starts", () => {
  const ALGNHSA =
    'package algnhsa\n\nimport (\n\t"net/http"\n\n\t"github.com/aws/aws-lambda-go/lambda"\n)\n\n' +
    "func ListenAndServe(h http.Handler, opts *Options) {\n\tlambda.StartWithOptions(handler(h))\n}\n";

  it("makes a main that starts the runtime through an adapter a Lambda (aws-lambda-go itself not needed)", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", `require github.com/akrylysov/algnhsa v1.1.0\nrequire ${LAMBDA_GO}\n`),
      "app/main.go": mainImporting("github.com/akrylysov/algnhsa", "algnhsa.ListenAndServe(nil, nil)"),
      "modcache/github.com/akrylysov/algnhsa@v1.1.0/adapter.go": ALGNHSA,
      "modcache/github.com/akrylysov/algnhsa@v1.1.0/options.go": "package algnhsa\n\ntype Options struct{}\n",
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect(main.kind).toBe("lambda");
    expect(main.lambdaVia).toEqual(["example.com/app", "github.com/akrylysov/algnhsa"]);
    expect(main.lambdaCall).toEqual({
      call: "lambda.StartWithOptions",
      pos: { file: "github.com/akrylysov/algnhsa/adapter.go", line: 10 },
    });
    expect(main.lambdaSource).toBe("modcache");
    expect(main.lambdaGo).toEqual({ version: "v1.47.0", where: "go.mod:5" });

    const { plan } = await planDirectory(app, DEFAULT_SETTINGS, { modCache });
    const target = plan.targets[0]!;
    expect([target.kind, target.output, target.build.tags]).toEqual(["lambda", "bootstrap", ["lambda.norpc"]]);
    expect(target.detection).toEqual({ kind: "modcache", cgo: "modcache" });
  });

  it("finds module directories under Go's case-escaped names (!azure for Azure)", async () => {
    expect(escapeModulePath("github.com/Azure/Go-Adapter")).toBe("github.com/!azure/!go-!adapter");
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", `require github.com/Azure/Go-Adapter v1.0.0\nrequire ${LAMBDA_GO}\n`),
      "app/main.go": mainImporting("github.com/Azure/Go-Adapter/gateway", "gateway.ListenAndServe()"),
      "modcache/github.com/!azure/!go-!adapter@v1.0.0/gateway/gateway.go":
        'package gateway\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc ListenAndServe() { lambda.Start(nil) }\n',
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect(main.kind).toBe("lambda");
    expect(main.lambdaVia).toEqual(["example.com/app", "github.com/Azure/Go-Adapter/gateway"]);
  });
});

describe("dependencies: sources not on the machine", () => {
  it("records the answer as unknown with the missing modules, and plan/build warn", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", "require example.com/gone v1.2.3\nrequire example.com/here v1.0.0\n"),
      "app/main.go":
        'package main\n\nimport (\n\t"example.com/gone"\n\t"example.com/here"\n)\n\nfunc main() { gone.X(); here.Y() }\n',
      "modcache/example.com/here@v1.0.0/here.go": "package here\n\nfunc Y() {}\n",
    });
    const main = (await analyze(app, { modCache })).mains[0]!;
    expect([main.kind, main.cgo]).toEqual(["command", false]);
    expect([main.lambdaSource, main.cgoSource]).toEqual(["probe-needed", "probe-needed"]);
    expect(main.unreadModules).toEqual(["example.com/gone@v1.2.3"]);

    const { plan } = await planDirectory(app, DEFAULT_SETTINGS, { modCache });
    expect(plan.targets[0]!.detection).toEqual({
      kind: "probe-needed",
      cgo: "probe-needed",
      unread: ["example.com/gone@v1.2.3"],
    });
    expect(detectionWarnings(plan)).toEqual([
      "target app: Lambda or command and cgo unknown — sources of example.com/gone@v1.2.3 are not on this machine; planned as command, CGO_ENABLED=0 — run `go mod download` in the module and plan again",
    ]);
  });

  it("keeps a locally decided answer and leaves the plan without `detection` when nothing third-party is imported", async () => {
    const { app, modCache } = tree({
      "app/go.mod": goMod("example.com/app", `require ${LAMBDA_GO}\n`),
      "app/main.go": mainImporting("github.com/aws/aws-lambda-go/lambda", "lambda.Start(nil)"),
    });
    const { plan, analysis } = await planDirectory(app, DEFAULT_SETTINGS, { modCache });
    expect([analysis.mains[0]!.lambdaSource, analysis.mains[0]!.cgoSource]).toEqual(["local", "local"]);
    expect(plan.targets[0]!.detection).toBeUndefined();
    expect(detectionWarnings(plan)).toEqual([]);
  });
});

describe("old aws-lambda-go", () => {
  it("refuses a Lambda built with a release before v1.18.0, naming the go.mod line", async () => {
    const { app, modCache } = tree({
      "app/go.mod": "module example.com/app\n\ngo 1.22\n\nrequire github.com/aws/aws-lambda-go v1.13.3\n",
      "app/main.go": mainImporting("github.com/aws/aws-lambda-go/lambda", "lambda.Start(nil)"),
    });
    const error = await planDirectory(app, DEFAULT_SETTINGS, { modCache }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "go.mod:5: aws-lambda-go v1.13.3 only speaks the retired go1.x RPC protocol; a bootstrap built with it never answers on provided.al2023 — upgrade to v1.18.0 or later (go get github.com/aws/aws-lambda-go@latest)",
    );
  });

  it("orders module versions semantically", () => {
    expect(compareModuleVersions("v1.9.0", "v1.18.0")).toBeLessThan(0);
    expect(compareModuleVersions("v1.18.0-rc1", "v1.18.0")).toBeLessThan(0);
    expect(compareModuleVersions("v2.0.0+incompatible", "v1.99.0")).toBeGreaterThan(0);
  });
});
