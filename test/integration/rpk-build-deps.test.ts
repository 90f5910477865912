import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot, runRpk } from "../helpers/run-cli.js";
import { writeFiles } from "./support/go-projects.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { type FakeModule, type ModuleProxy, startModuleProxy } from "./support/module-proxy.js";
import { rpkBuildOk, rpkEnv } from "./support/rpk-build.js";

/**
 * Issue 12 item 4: answers that only third-party code gives. Two synthetic repositories on modules served by
 * local proxies (aws-lambda-go comes from the machine's usual proxy, as for the examples):
 *  - cgo-dep: a Lambda whose handler uses rpk-deps.test/store, which wraps rpk-deps.test/cbind (import "C");
 *    nothing in the tree itself needs cgo.
 *  - adapter: a main whose only runtime start is inside rpk-deps.test/adapter (ListenAndServe calls
 *    lambda.StartWithOptions), the shape of algnhsa / apex gateway.
 * The module sources reach the analyzer the way they reach a user: `go mod download` into a GOMODCACHE.
 */

const LAMBDA_GO = "github.com/aws/aws-lambda-go v1.55.1";
const CBIND: FakeModule = {
  path: "rpk-deps.test/cbind",
  version: "v1.0.0",
  files: {
    "cbind.go": `package cbind\n\n// static int add(int a, int b) { return a + b; }\nimport "C"\n\n// Add adds in C.\nfunc Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }\n`,
  },
};
const STORE: FakeModule = {
  path: "rpk-deps.test/store",
  version: "v1.0.0",
  files: {
    "go.mod": `module rpk-deps.test/store\n\ngo 1.22\n\nrequire ${CBIND.path} ${CBIND.version}\n`,
    "store.go": `package store\n\nimport "${CBIND.path}"\n\n// Sum is the sum as the C library computes it.\nfunc Sum(a, b int) int { return cbind.Add(a, b) }\n`,
  },
};
const ADAPTER: FakeModule = {
  path: "rpk-deps.test/adapter",
  version: "v1.0.0",
  files: {
    "go.mod": `module rpk-deps.test/adapter\n\ngo 1.22\n\nrequire ${LAMBDA_GO}\n`,
    "adapter.go": `package adapter\n\nimport (\n\t"context"\n\n\t"github.com/aws/aws-lambda-go/lambda"\n)\n\n// ListenAndServe hands every event's "name" to h and answers with its result.\nfunc ListenAndServe(h func(name string) string) {\n\tlambda.StartWithOptions(func(_ context.Context, e map[string]string) (map[string]string, error) {\n\t\treturn map[string]string{"answer": h(e["name"])}, nil\n\t})\n}\n`,
  },
};

const BUILD_TIMEOUT = 900_000;
let env: TestEnv;
let proxies: ModuleProxy[] = [];
const scratch = mkdtempSync(join(tmpdir(), "rpk-deps-it-"));
const modCache = join(scratch, "modcache");
const emptyModCache = join(scratch, "empty-modcache");
const cgoDep = join(scratch, "cgo-dep");
const adapterApp = join(scratch, "adapter");
let goEnv: Record<string, string>;

function goSum(): string {
  const lambdaGo = readFileSync(join(repoRoot, "examples", "hello", "go.sum"), "utf8");
  return `${proxies.map((p) => p.goSumLines).join("\n")}\n${lambdaGo}`;
}

beforeAll(async () => {
  env = loadTestEnv();
  proxies = await Promise.all([CBIND, STORE, ADAPTER].map((m) => startModuleProxy(m, "serve")));
  // A proxy answers 404 for modules it does not serve: the go command then asks the next one.
  const upstream = env.go.env.GOPROXY ?? "https://proxy.golang.org,direct";
  goEnv = { GOPROXY: `${proxies.map((p) => p.url).join(",")},${upstream}`, GONOSUMDB: "rpk-deps.test" };
  const go = env.go.version;
  writeFiles(cgoDep, {
    "go.mod": `module example.com/cgo-dep\n\ngo ${go}\n\nrequire (\n\t${LAMBDA_GO}\n\t${STORE.path} ${STORE.version}\n)\n\nrequire ${CBIND.path} ${CBIND.version} // indirect\n`,
    "go.sum": goSum(),
    "main.go": `package main\n\nimport (\n\t"context"\n\n\t"github.com/aws/aws-lambda-go/lambda"\n\t"${STORE.path}"\n)\n\ntype sumEvent struct {\n\tA int \`json:"a"\`\n\tB int \`json:"b"\`\n}\n\nfunc main() {\n\tlambda.Start(func(_ context.Context, e sumEvent) (map[string]int, error) {\n\t\treturn map[string]int{"sum": store.Sum(e.A, e.B)}, nil\n\t})\n}\n`,
  });
  writeFiles(adapterApp, {
    "go.mod": `module example.com/adapter-app\n\ngo ${go}\n\nrequire (\n\t${LAMBDA_GO}\n\t${ADAPTER.path} ${ADAPTER.version}\n)\n`,
    "go.sum": goSum(),
    "main.go": `package main\n\nimport "${ADAPTER.path}"\n\nfunc main() {\n\tadapter.ListenAndServe(func(name string) string { return "hello " + name })\n}\n`,
  });
  mkdirSync(emptyModCache);
  // What a user's machine has after `go mod download`: the real module cache layout, written by go itself.
  for (const dir of [cgoDep, adapterApp]) {
    // Async: the proxies answer from this process's event loop.
    await promisify(execFile)("go", ["mod", "download"], {
      cwd: dir,
      env: { ...process.env, ...goEnv, GOMODCACHE: modCache, GOFLAGS: "-modcacherw", GOTOOLCHAIN: "local" },
    });
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("rpk info / plan: answers from dependency sources", () => {
  it("finds cgo two modules away and says it came from GOMODCACHE", () => {
    const info = runRpk(["info", cgoDep], { env: { GOMODCACHE: modCache } });
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(
      'cgo: example.com/cgo-dep → rpk-deps.test/store → rpk-deps.test/cbind (cbind.go imports "C")',
    );
    expect(info.stdout).toContain(
      "decided from: kind — the tree's own sources; cgo — third-party sources in GOMODCACHE",
    );
    const plan = JSON.parse(runRpk(["plan", cgoDep], { env: { GOMODCACHE: modCache } }).stdout);
    expect(plan.targets[0]).toMatchObject({ cgo: true, detection: { kind: "local", cgo: "modcache" } });
  });

  it("makes the adapter-started main a Lambda", () => {
    const info = runRpk(["info", adapterApp], { env: { GOMODCACHE: modCache } });
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(
      /lambda\.StartWithOptions at rpk-deps\.test\/adapter\/adapter\.go:\d+ via example\.com\/adapter-app → rpk-deps\.test\/adapter/,
    );
    expect(info.stdout).toContain("aws-lambda-go v1.55.1 (go.mod:6)");
  });

  it("warns on stderr, naming the missing modules, when their sources are not on the machine", () => {
    const plan = runRpk(["plan", adapterApp], { env: { GOMODCACHE: emptyModCache } });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(
      "warning: target adapter-app: Lambda or command and cgo unknown — sources of rpk-deps.test/adapter@v1.0.0 are not on this machine",
    );
    expect(JSON.parse(plan.stdout).targets[0].detection).toEqual({
      kind: "probe-needed",
      cgo: "probe-needed",
      unread: ["rpk-deps.test/adapter@v1.0.0"],
    });
  });
});

describe("rpk build: Lambdas decided by their dependencies", () => {
  it(
    "builds the cgo-through-dependency Lambda and its bootstrap adds in C under the emulator",
    async () => {
      const out = join(scratch, "out-cgo");
      await rpkBuildOk([cgoDep, "-o", out, "--progress", "plain"], {
        env: rpkEnv(env, { ...goEnv, GOMODCACHE: modCache }),
      });
      const { result } = await invokeZippedBootstrap({
        env,
        zip: join(out, "cgo-dep.zip"),
        bootstrap: join(scratch, "cgo-bootstrap"),
        event: { a: 40, b: 2 },
      });
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual({ sum: 42 });
    },
    BUILD_TIMEOUT,
  );

  it(
    "builds the adapter-started main as a Lambda whose bootstrap answers under the emulator",
    async () => {
      const out = join(scratch, "out-adapter");
      await rpkBuildOk([adapterApp, "-o", out, "--progress", "plain"], {
        env: rpkEnv(env, { ...goEnv, GOMODCACHE: modCache }),
      });
      const { entries, result } = await invokeZippedBootstrap({
        env,
        zip: join(out, "adapter-app.zip"),
        bootstrap: join(scratch, "adapter-bootstrap"),
        event: { name: "rpk" },
      });
      expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual({ answer: "hello rpk" });
    },
    BUILD_TIMEOUT,
  );

  it(
    "decides targets whose module sources are not on this machine with a probe inside the build",
    async () => {
      const probeEnv = rpkEnv(env, { ...goEnv, GOMODCACHE: emptyModCache });
      const adapterOut = join(scratch, "out-probe-adapter");
      const adapter = await rpkBuildOk([adapterApp, "-o", adapterOut, "--progress", "plain"], { env: probeEnv });
      expect(adapter.stderr).toContain("warning: target adapter-app: Lambda or command and cgo unknown");
      expect(adapter.stderr).toContain("[probe] go list -deps (adapter-app)");
      expect(adapter.stderr).toMatch(
        /rpk: probe: adapter-app is a lambda \(planned as command; read \d+ dependency files in the build\)/,
      );
      const invoked = await invokeZippedBootstrap({
        env,
        zip: join(adapterOut, "adapter-app.zip"),
        bootstrap: join(scratch, "probe-adapter-bootstrap"),
        event: { name: "probe" },
      });
      expect(invoked.result.body).toEqual({ answer: "hello probe" });

      const cgoOut = join(scratch, "out-probe-cgo");
      const cgo = await rpkBuildOk([cgoDep, "-o", cgoOut, "--progress", "plain"], { env: probeEnv });
      expect(cgo.stderr).toMatch(
        /rpk: probe: cgo-dep is a lambda with cgo \(planned as lambda; read \d+ dependency files/,
      );
      const summed = await invokeZippedBootstrap({
        env,
        zip: join(cgoOut, "cgo-dep.zip"),
        bootstrap: join(scratch, "probe-cgo-bootstrap"),
        event: { a: 1, b: 2 },
      });
      expect(summed.result.body).toEqual({ sum: 3 });
    },
    BUILD_TIMEOUT,
  );
});
