import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analyze/index.js";
import { isUserError } from "../../../src/errors.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";
import { goMod, makeTree } from "./tree.js";

/**
 * A collection root (no go.mod at the top) holding three standalone modules that require the same fake
 * dependency at different versions, with a fake module cache beside it. Each module's targets must be read
 * as `go build` in that module's directory reads them: its own go.mod's requires, its own vendor/.
 */
const mainImporting = (pkg: string, call: string) => `package main\n\nimport "${pkg}"\n\nfunc main() { ${call} }\n`;
const ADAPTER = "example.com/adapter";
const requires = (...lines: string[]) => lines.map((l) => `require ${l}\n`).join("");

function collection(): { root: string; modCache: string } {
  const base = makeTree({
    "coll/svc-a/go.mod": goMod("example.com/a", requires(`${ADAPTER} v1.0.0`, "github.com/aws/aws-lambda-go v1.47.0")),
    "coll/svc-a/main.go": mainImporting(ADAPTER, "adapter.Serve()"),
    "coll/svc-b/go.mod": goMod("example.com/b", requires(`${ADAPTER} v1.1.0`)),
    "coll/svc-b/main.go": mainImporting(ADAPTER, "adapter.Serve()"),
    "coll/svc-c/go.mod": goMod("example.com/c", requires(`${ADAPTER} v1.0.0`, "github.com/aws/aws-lambda-go v1.9.0")),
    "coll/svc-c/main.go": mainImporting(ADAPTER, "adapter.Serve()"),
    // svc-d vendors an adapter v1.0.0 copy and has no module cache entry of its own version.
    "coll/svc-d/go.mod": goMod("example.com/d", requires(`${ADAPTER} v0.9.0`)),
    "coll/svc-d/main.go": mainImporting(ADAPTER, "adapter.Serve()"),
    "coll/svc-d/vendor/modules.txt": `# ${ADAPTER} v0.9.0\n## explicit\n${ADAPTER}\n`,
    "coll/svc-d/vendor/example.com/adapter/serve.go":
      'package adapter\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc Serve() { lambda.Start(nil) }\n',
    // v1.0.0 starts the runtime; v1.1.0 is a cgo binding that does not.
    "modcache/example.com/adapter@v1.0.0/go.mod": goMod(ADAPTER),
    "modcache/example.com/adapter@v1.0.0/serve.go":
      'package adapter\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc Serve() { lambda.Start(nil) }\n',
    "modcache/example.com/adapter@v1.1.0/go.mod": goMod(ADAPTER),
    "modcache/example.com/adapter@v1.1.0/serve.go":
      'package adapter\n\n// #include <stdlib.h>\nimport "C"\n\nfunc Serve() {}\n',
  });
  return { root: path.join(base, "coll"), modCache: path.join(base, "modcache") };
}

describe("dependencies of standalone modules (collection root)", () => {
  it("resolves each module's imports against its own go.mod and vendor/", async () => {
    const { root, modCache } = collection();
    const a = await analyze(root, { modCache });
    expect(a.modules.map((m) => [m.dir, m.origin])).toEqual([
      ["./svc-a", "standalone"],
      ["./svc-b", "standalone"],
      ["./svc-c", "standalone"],
      ["./svc-d", "standalone"],
    ]);
    const byDir = new Map(a.mains.map((m) => [m.dir, m]));
    const svcA = byDir.get("./svc-a")!;
    expect([svcA.kind, svcA.cgo, svcA.lambdaSource, svcA.unreadModules]).toEqual([
      "lambda",
      false,
      "modcache",
      undefined,
    ]);
    expect(svcA.lambdaVia).toEqual(["example.com/a", ADAPTER]);
    expect(svcA.lambdaGo).toEqual({ version: "v1.47.0", where: "svc-a/go.mod:5" });
    const svcB = byDir.get("./svc-b")!;
    expect([svcB.kind, svcB.cgo, svcB.cgoSource]).toEqual(["command", true, "modcache"]);
    expect(svcB.cgoReason).toBe('example.com/b → example.com/adapter (serve.go imports "C")');
    expect(byDir.get("./svc-c")!.lambdaGo).toEqual({ version: "v1.9.0", where: "svc-c/go.mod:5" });
    const svcD = byDir.get("./svc-d")!;
    expect([svcD.kind, svcD.lambdaSource, svcD.cgo]).toEqual(["lambda", "vendor", false]);
  });

  it("plans each module's targets with the right detection and refuses the one with an old aws-lambda-go", async () => {
    const { root, modCache } = collection();
    const settings = { ...DEFAULT_SETTINGS, targets: ["svc-a", "svc-b", "svc-d"] };
    const { plan } = await planDirectory(root, settings, { modCache });
    expect(plan.targets.map((t) => [t.name, t.kind, t.cgo, t.detection])).toEqual([
      ["a", "lambda", false, { kind: "modcache", cgo: "modcache" }],
      ["b", "command", true, { kind: "modcache", cgo: "modcache" }],
      ["d", "lambda", false, { kind: "vendor", cgo: "vendor" }],
    ]);
    // Not named, the module with the old aws-lambda-go is left out with a warning; named, it is refused.
    const all = await planDirectory(root, DEFAULT_SETTINGS, { modCache });
    expect(all.plan.targets.map((t) => t.name)).toEqual(["a", "b", "d"]);
    expect(all.warnings).toEqual([
      "svc-c/go.mod:5: aws-lambda-go v1.9.0 only speaks the retired go1.x RPC protocol; a bootstrap built with it never answers on provided.al2023; left out of the plan (./svc-c): upgrade to v1.18.0 or later (go get github.com/aws/aws-lambda-go@latest)",
    ]);
    const named = { ...DEFAULT_SETTINGS, targets: ["svc-a", "svc-c"] };
    const error = await planDirectory(root, named, { modCache }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^svc-c\/go\.mod:5: aws-lambda-go v1\.9\.0 only speaks the retired go1\.x/,
    );
  });
});
