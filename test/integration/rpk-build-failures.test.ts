import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { cliPath } from "../helpers/run-cli.js";
import { copyExample, greetingModule, writeCommandOnModule } from "./support/go-projects.js";
import { startModuleProxy } from "./support/module-proxy.js";
import { dirContent, OLD_CONTENT, seedOutputDir, stagingLeftovers } from "./support/output-dir.js";
import { lineStartsVertex } from "./support/progress.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv, runRpkBuild, startRpkBuild } from "./support/rpk-build.js";

/**
 * How `rpk build` fails on the shared daemon: one clear `rpk:` line on stderr, the right exit code, and a
 * pre-existing output directory left exactly as it was, with no staging leftovers next to it. (A daemon
 * that dies mid-build and wrong TLS need a private daemon: rpk-build-private-daemon.test.ts.)
 */

const BUILD_TIMEOUT = 900_000;
const execFileAsync = promisify(execFile);
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-fail-it-"));
let env: TestEnv;

beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The `rpk:` lines of a failed build: what the user reads, apart from progress. */
const rpkLines = (result: RpkBuildResult) => result.messages.filter((line) => line.startsWith("rpk:"));

function expectUntouched(out: string): void {
  expect(dirContent(out)).toEqual(OLD_CONTENT);
  expect(stagingLeftovers(out)).toEqual([]);
}

describe("unreachable daemon (--addr unix:///nonexistent)", () => {
  const out = join(scratch, "unreachable-out");
  let result: RpkBuildResult;

  beforeAll(async () => {
    seedOutputDir(out);
    const hello = copyExample("hello", join(scratch, "unreachable-src"));
    result = await runRpkBuild([hello, "-o", out, "--addr", "unix:///nonexistent"], { env: rpkEnv(env) });
  });

  it("exits 1 with one line naming the address, leaving the output directory alone", () => {
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^rpk: .*unix:\/\/\/nonexistent/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expectUntouched(out);
  });

  // The hint must name a flag that exists: rpk build has --addr, not --buildkit-host.
  it("points the user at --addr or BUILDKIT_HOST", () => {
    expect(result.stderr).toContain("BUILDKIT_HOST");
    expect(result.stderr).toContain("--addr");
    expect(result.stderr).not.toContain("--buildkit-host");
  });
});

describe("a compile error in the Go code", () => {
  const out = join(scratch, "compile-error-out");
  let src: string;

  beforeAll(() => {
    seedOutputDir(out);
    src = copyExample("hello", join(scratch, "compile-error-src"));
    const main = join(src, "main.go");
    // A unique identifier: the failing compile cannot come from any cache.
    const text = readFileSync(main, "utf8").replace("func main() {", `func main() {\n\tundefinedThing${run}()`);
    writeFileSync(main, text);
  });

  it.each(["plain", "quiet"])(
    "--progress %s: exit 1, the step's name and the compiler's message on stderr, output untouched",
    async (progress) => {
      const result = await runRpkBuild([src, "-o", out, "--progress", progress], { env: rpkEnv(env) });
      expect(result.code).toBe(1);
      const lines = rpkLines(result);
      expect(lines).toEqual(["rpk: 1 target failed to compile (hello)"]);
      // The compiler's message is in rpk's own error line, not only in the step's log above it.
      expect(result.messages).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^error: target "hello" failed to compile: \\./main\\.go:\\d+:\\d+: undefined: undefinedThing${run}$`,
          ),
        ),
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stdout).toBe("");
      expectUntouched(out);
    },
    BUILD_TIMEOUT,
  );
});

describe("two broken mains in a monorepo", () => {
  // api has one compile error, migrate two; thumbnail and worker are fine. Unique identifiers keep the
  // failing compiles out of any cache.
  const broken = join(scratch, "two-broken-src");
  const clean = join(scratch, "two-broken-clean-src");
  const apiError = `undefinedApi${run}`;
  const migrateErrors = [`undefinedMigrate${run}`, `alsoUndefined${run}`];

  beforeAll(() => {
    copyExample("monorepo", clean);
    copyExample("monorepo", broken);
    const breakMain = (file: string, calls: string[]) => {
      const path = join(broken, file);
      const text = readFileSync(path, "utf8");
      writeFileSync(path, text.replace("func main() {", `func main() {\n${calls.map((c) => `\t${c}()\n`).join("")}`));
    };
    breakMain("cmd/api/main.go", [apiError]);
    breakMain("cmd/migrate/main.go", migrateErrors);
  });

  const expectBothReported = (result: RpkBuildResult) => {
    expect(result.code).toBe(1);
    expect(rpkLines(result)[0]).toMatch(/^rpk: 2 targets failed to compile \(api, migrate\)/);
    const errors = result.messages.filter((line) => line.startsWith("error: "));
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: target "api" failed to compile: (\\./)?cmd/api/main\\.go:\\d+:\\d+: undefined: ${apiError}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^error: target "migrate" failed to compile: (\\./)?cmd/migrate/main\\.go:\\d+:\\d+: undefined: ${migrateErrors[0]}$`,
        ),
      ),
    ]);
    // The compiler's further lines, indented under their target.
    const migrateAt = result.messages.findIndex((line) => line.startsWith('error: target "migrate"'));
    expect(result.messages.slice(migrateAt + 1)).toContainEqual(
      expect.stringMatching(new RegExp(`^    (\\./)?cmd/migrate/main\\.go:\\d+:\\d+: undefined: ${migrateErrors[1]}$`)),
    );
  };

  it(
    "names both with their compiler lines, exits 1 and writes nothing",
    async () => {
      const out = join(scratch, "two-broken-out");
      seedOutputDir(out);
      const result = await runRpkBuild([broken, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
      expectBothReported(result);
      expectUntouched(out);
    },
    BUILD_TIMEOUT,
  );

  it(
    "--keep-going exports the good targets byte-identical to a build without the broken ones, the manifest listing the failed",
    async () => {
      const out = join(scratch, "two-broken-keep-going-out");
      const result = await runRpkBuild([broken, "-o", out, "--progress", "plain", "--keep-going"], {
        env: rpkEnv(env),
      });
      expectBothReported(result);
      expect(rpkLines(result)[0]).toContain("the output holds the 2 that built");
      const reference = join(scratch, "two-broken-reference-out");
      await rpkBuildOk([clean, "-o", reference, "--target", "thumbnail", "--target", "worker", "--progress", "quiet"], {
        env: rpkEnv(env),
      });
      // The targets that built, each with its SBOM and provenance; nothing of the failed ones.
      expect(readdirSync(out).sort()).toEqual([
        "manifest.json",
        "thumbnail.provenance.json",
        "thumbnail.spdx.json",
        "thumbnail.zip",
        "worker.provenance.json",
        "worker.spdx.json",
        "worker.zip",
      ]);
      for (const zip of ["thumbnail.zip", "worker.zip"]) {
        expect(readFileSync(join(out, zip)).equals(readFileSync(join(reference, zip)))).toBe(true);
      }
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      const referenceManifest = JSON.parse(readFileSync(join(reference, "manifest.json"), "utf8"));
      expect(manifest.targets).toEqual(referenceManifest.targets);
      expect(referenceManifest.failed).toBeUndefined();
      expect(manifest.failed.map((f: { name: string }) => f.name)).toEqual(["api", "migrate"]);
      expect(manifest.failed[0].error).toMatch(new RegExp(`cmd/api/main\\.go:\\d+:\\d+: undefined: ${apiError}`));
      for (const name of migrateErrors) expect(manifest.failed[1].error).toContain(`undefined: ${name}`);
    },
    BUILD_TIMEOUT,
  );
});

describe("a golang image that does not exist (--go-image)", () => {
  // The image's vertex fails; its siblings are then cancelled and report "context canceled". The one line
  // must blame the image, not whichever cancelled sibling reported last.
  it(
    "exits 1 with one line that names the missing image as the failing step",
    async () => {
      const out = join(scratch, "missing-image-out");
      seedOutputDir(out);
      const hello = copyExample("hello", join(scratch, "missing-image-src"));
      const image = `docker.io/library/golang:0.0.0-rpk-missing-${run}`;
      const result = await runRpkBuild([hello, "-o", out, "--go-image", image, "--progress", "plain"], {
        env: rpkEnv(env),
      });
      expect(result.code).toBe(1);
      const lines = rpkLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(image);
      expect(lines[0]).not.toContain("[context] load Go sources");
      expect(lines[0]).toMatch(new RegExp(`build step "docker-image://${image.replace(/[.]/g, "\\.")}" failed`));
      expect(lines[0]).toContain("the image could not be pulled; it came from --go-image");
      expectUntouched(out);
    },
    BUILD_TIMEOUT,
  );
});

// The test registry only has golang 1.26.8 (and 1.21.13) stand-ins, so the tag rpk picks for a Go 1.22 module
// cannot be pulled: exactly the failure a user meets when a tag is missing from their registry or mirror. (Go 1.18
// or newer: for older Go, rpk-zip is built in another image, whose pull may fail first.)
describe("a golang image rpk picked that the registry does not have (go 1.22)", () => {
  const image = "docker.io/library/golang:1.22.12-bookworm";
  const overrides = [".go-version", '"goImage"', '"cgoImage"', "rpk.config.json", "--go-image"];
  let src: string;

  beforeAll(() => {
    src = copyExample("hello", join(scratch, "go122-src"));
    const goMod = join(src, "go.mod");
    writeFileSync(
      goMod,
      readFileSync(goMod, "utf8")
        .replace(/^go .*$/m, "go 1.22")
        .replace(/^toolchain .*\n/m, ""),
    );
  });

  it(
    "exits 1 with one line naming the image, the Go version and its source, and the overrides",
    async () => {
      const out = join(scratch, "go122-out");
      seedOutputDir(out);
      const result = await runRpkBuild([src, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
      expect(result.code).toBe(1);
      const lines = rpkLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`build step "docker-image://${image}" failed`);
      expect(lines[0]).toContain(
        "the image could not be pulled; rpk chose it for Go 1.22.12 (from go.mod go): docker-library published bookworm and bullseye for Go 1.22.12",
      );
      for (const override of overrides) expect(lines[0]).toContain(override);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expectUntouched(out);
    },
    BUILD_TIMEOUT,
  );

  it(
    "from a saved plan (--plan), says the plan names it",
    async () => {
      const planFile = join(scratch, "go122.rpk.json");
      await execFileAsync(process.execPath, [cliPath, "plan", src, "--out", planFile]);
      const out = join(scratch, "go122-plan-out");
      seedOutputDir(out);
      const result = await runRpkBuild([src, "--plan", planFile, "-o", out, "--progress", "plain"], {
        env: rpkEnv(env),
      });
      expect(result.code).toBe(1);
      const lines = rpkLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`build step "docker-image://${image}" failed`);
      expect(lines[0]).toContain(`rpk chose it for Go 1.22.12 (from go.mod go)`);
      expect(lines[0]).toContain(`(plan ${planFile})`);
      for (const override of overrides) expect(lines[0]).toContain(override);
      expectUntouched(out);
    },
    BUILD_TIMEOUT,
  );
});

describe("Ctrl-C while a step runs", () => {
  it(
    "exits 130 with one line, leaves the output alone, the daemon cancels the step, and the next build works",
    async () => {
      // The module download is held open by our proxy, so the step is certainly running when SIGINT lands.
      const module = greetingModule(`rpk-hold.test/m${run}/greeting`, `greetings from run ${run}`);
      const proxy = await startModuleProxy(module, "hold");
      try {
        const src = join(scratch, "interrupt-src");
        writeCommandOnModule({ dir: src, module, goSumLines: proxy.goSumLines, goVersion: env.go.version });
        const out = join(scratch, "interrupt-out");
        seedOutputDir(out);
        const goEnv = { GOPROXY: proxy.url, GONOSUMDB: "rpk-hold.test", GOFLAGS: "-buildvcs=false" };
        const build = startRpkBuild([src, "-o", out, "--progress", "rawjson"], { env: rpkEnv(env, goEnv) });
        const requested = await Promise.race([
          proxy.nextRequest(),
          build.done.then((r) => Promise.reject(new Error(`rpk build ended (${r.code}) first:\n${r.stderr}`))),
        ]);
        expect(requested).toContain(module.path);
        await build.waitForLine((line) => lineStartsVertex(line, "[modules] go mod download"), 10_000);

        build.child.kill("SIGINT");
        const result = await build.done;
        expect(result.code).toBe(130);
        expect(result.messages).toHaveLength(1);
        expect(result.messages[0]).toMatch(/^rpk: .*(interrupt|cancel)/i);
        expectUntouched(out);

        // The daemon killed `go mod download`: its request to our proxy was dropped.
        await withTimeout(proxy.heldConnectionsClosed(), 60_000, "the daemon kept the cancelled step running");

        proxy.mode = "serve";
        const again = await rpkBuildOk([src, "-o", out, "--progress", "plain"], { env: rpkEnv(env, goEnv) });
        expect(again.stdout).toContain(join(out, "greet"));
        const { stdout } = await execFileAsync(join(out, "greet"));
        expect(stdout).toBe(`greetings from run ${run}\n`);
        expect(stagingLeftovers(out)).toEqual([]);
      } finally {
        await proxy.close();
      }
    },
    BUILD_TIMEOUT,
  );
});

describe("Ctrl-C while a cold compile runs", () => {
  it(
    "exits 130 with one line and leaves the output alone; the same tree then builds",
    async () => {
      const src = copyExample("hello", join(scratch, "interrupt-compile-src"));
      // A source no cache has seen: the compile really runs when the signal lands.
      writeFileSync(join(src, "uncached.go"), `package main\n\nvar uncached = "${run}"\n`);
      const out = join(scratch, "interrupt-compile-out");
      seedOutputDir(out);
      const build = startRpkBuild([src, "-o", out, "--progress", "rawjson"], { env: rpkEnv(env) });
      await build.waitForLine((line) => lineStartsVertex(line, "[hello] go build"));
      build.child.kill("SIGINT");
      const result = await build.done;
      expect(result.code).toBe(130);
      expect(result.messages).toEqual([expect.stringMatching(/^rpk: interrupted/)]);
      // Cancelled before export: the compile's vertex never completed in this build, or completed cancelled
      // (the build function evaluates the output as it is solved, so the daemon reports the cancellation).
      const compile = result.progress.vertexes.find((v) => v.name.startsWith("[hello] go build"));
      if (compile?.completed !== undefined) expect(compile.error, JSON.stringify(compile)).toMatch(/cancel/);
      expectUntouched(out);

      const again = await rpkBuildOk([src, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
      expect(again.stdout).toContain(join(out, "hello.zip"));
      expect(stagingLeftovers(out)).toEqual([]);
    },
    BUILD_TIMEOUT,
  );
});

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (waited ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
