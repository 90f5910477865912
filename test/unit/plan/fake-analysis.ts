import { emptyGoMod } from "../../../src/analyze/gomod.js";
import type { Analysis, MainPackage, ModuleInfo, PackageInfo } from "../../../src/analyze/types.js";

/** A hand-made Analysis for testing plan logic without touching the file system. */
export function fakeAnalysis(overrides: Partial<Analysis> = {}): Analysis {
  const mod: ModuleInfo = {
    dir: ".",
    path: "example.com/app",
    goMod: { ...emptyGoMod("example.com/app"), go: "1.26" },
    hasGoSum: true,
    hasVendor: false,
    origin: "root",
  };
  const pkg = (dir: string, extra: Partial<PackageInfo> = {}): PackageInfo => ({
    dir,
    importPath: `example.com/app${dir === "." ? "" : dir.slice(1)}`,
    module: ".",
    name: "main",
    goFiles: ["main.go"],
    otherFiles: [],
    imports: [],
    cgo: false,
    embedPatterns: [],
    lambdaStarts: [],
    ...extra,
  });
  const main = (dir: string, extra: Partial<MainPackage> = {}): MainPackage => ({
    dir,
    importPath: `example.com/app${dir.slice(1)}`,
    module: ".",
    kind: "lambda",
    reason: "calls lambda.Start",
    cgo: false,
    localPackages: [dir, "./internal/core"],
    ...extra,
  });
  return {
    root: "/somewhere/app",
    arch: "amd64",
    modules: [mod],
    goVersion: { version: "1.26.8", source: "go.mod toolchain", file: "go.mod", patchFromTable: false },
    packages: [
      pkg("./cmd/api", { embedPatterns: ["static", "all:templates/*.tmpl"] }),
      pkg("./cmd/tool"),
      pkg("./lambdas/api"),
      pkg("./native", { otherFiles: ["native/hash.c", "native/hash.h"], cgo: true }),
      pkg("./internal/core", { name: "core" }),
    ],
    mains: [
      main("./cmd/api"),
      main("./cmd/tool", { kind: "command", reason: "no package in its import graph starts the Lambda runtime" }),
      main("./lambdas/api"),
      main("./native", { cgo: true, cgoReason: "native/hash.go imports C", localPackages: ["./native"] }),
    ],
    warnings: [],
    ...overrides,
  };
}
