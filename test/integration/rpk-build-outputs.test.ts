import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { copyExample, writeFiles } from "./support/go-projects.js";
import { stagingLeftovers } from "./support/output-dir.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv, runRpkBuild, startRpkBuild } from "./support/rpk-build.js";

/**
 * The output directory of `rpk build` is always exactly one build's complete result: two builds of different
 * trees into one `-o` never mix, a mount point (tmpfs) works as a destination, a killed build's staging is
 * removed by the next one, and paths that cannot work are refused before the build, naming the user's path.
 */

const BUILD_TIMEOUT = 900_000;
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-outputs-it-"));
let env: TestEnv;

/** A one-Lambda tree (hello with its own module name and message): `alpha` builds alpha.zip. */
function tree(name: string): string {
  const dir = copyExample("hello", join(scratch, name));
  writeFiles(dir, {
    "go.mod": readFileSync(join(dir, "go.mod"), "utf8").replace(/^module .*$/m, `module example.com/${name}`),
    "main.go": readFileSync(join(dir, "main.go"), "utf8").replace("Hello, %s!", `${name} says hello, %s!`),
  });
  return dir;
}

/** File name → bytes (base64) of a directory, with nothing hidden skipped. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString("base64")]),
  );
}

const rpkLines = (result: RpkBuildResult) => result.messages.filter((line) => line.startsWith("rpk:"));

let alpha: string;
let beta: string;
const expected: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  env = loadTestEnv();
  alpha = tree("alpha");
  beta = tree("beta");
  for (const [name, src] of [
    ["alpha", alpha],
    ["beta", beta],
  ] as const) {
    const out = join(scratch, `${name}-alone`);
    await rpkBuildOk([src, "-o", out, "--progress", "quiet"], { env: rpkEnv(env) });
    expected[name] = snapshot(out);
  }
}, BUILD_TIMEOUT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("two builds of different trees into one directory, 20 rounds", () => {
  it(
    "the directory always equals exactly one build's result, with nothing left beside it",
    async () => {
      // Each build's zip, its SBOM and provenance (issue 16), and the manifest.
      const files = (name: string) => [`${name}.provenance.json`, `${name}.spdx.json`, `${name}.zip`, "manifest.json"];
      expect(Object.keys(expected.alpha!).sort()).toEqual(files("alpha"));
      expect(Object.keys(expected.beta!).sort()).toEqual(files("beta"));
      const out = join(scratch, "shared", "out");
      for (let round = 0; round < 20; round++) {
        const results = await Promise.all(
          [alpha, beta].map((src) => runRpkBuild([src, "-o", out, "--progress", "quiet"], { env: rpkEnv(env) })),
        );
        for (const result of results) expect(result.code, `round ${round}: ${result.stderr}`).toBe(0);
        const got = snapshot(out);
        const which = got["alpha.zip"] ? "alpha" : "beta";
        expect(got, `round ${round}`).toEqual(expected[which]);
        expect(readdirSync(join(scratch, "shared")), `round ${round}`).toEqual(["out"]);
      }
    },
    BUILD_TIMEOUT,
  );
});

describe("an output directory that is a mount point (tmpfs)", () => {
  const mount = join(scratch, "mounted");

  beforeAll(() => {
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mount]);
  });
  afterAll(() => {
    execFileSync("umount", [mount]);
  });

  it(
    "is written, then replaced by the next build, staged on its own file system and leaving nothing behind",
    async () => {
      await rpkBuildOk([alpha, "-o", mount, "--progress", "quiet"], { env: rpkEnv(env) });
      expect(snapshot(mount)).toEqual(expected.alpha);
      await rpkBuildOk([beta, "-o", mount, "--progress", "quiet"], { env: rpkEnv(env) });
      expect(snapshot(mount)).toEqual(expected.beta);
      expect(stagingLeftovers(mount)).toEqual([]);
    },
    BUILD_TIMEOUT,
  );
});

describe("a build killed with SIGKILL", () => {
  it(
    "leaves its staging directory, which the next build into the same path removes",
    async () => {
      const out = join(scratch, "killed", "out");
      // A tree no cache knows, so the build is still running when it is killed.
      const src = tree(`killed${process.pid}`);
      writeFileSync(join(src, "unique.go"), `package main\n\nconst unique = "${Date.now()}"\n`);
      const build = startRpkBuild([src, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
      await build.waitForLine((line) => line.includes("go build"));
      build.child.kill("SIGKILL");
      await build.done;
      expect(stagingLeftovers(out)).toHaveLength(1);
      await rpkBuildOk([alpha, "-o", out, "--progress", "quiet"], { env: rpkEnv(env) });
      expect(stagingLeftovers(out)).toEqual([]);
      expect(snapshot(out)).toEqual(expected.alpha);
    },
    BUILD_TIMEOUT,
  );
});

describe("paths that cannot work are refused before the build", () => {
  const quick = { env: {} as Record<string, string> };
  beforeAll(() => {
    quick.env = rpkEnv(env);
  });

  it("-o onto an existing file: one line naming it, no build step ran", async () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "mine\n");
    const result = await runRpkBuild([alpha, "-o", file, "--progress", "plain"], quick);
    expect(result.code).toBe(1);
    expect(rpkLines(result)).toEqual([
      `rpk: cannot write the build output to ${file}: it exists and is not a directory — give -o a directory path (or type=tar,dest=FILE for one archive)`,
    ]);
    expect(result.stderr).not.toContain("go build");
    expect(readFileSync(file, "utf8")).toBe("mine\n");
  });

  it("-o onto a directory that is not an rpk output: refused, the directory untouched", async () => {
    const before = snapshot(alpha);
    const result = await runRpkBuild([alpha, "-o", alpha, "--progress", "plain"], quick);
    expect(result.code).toBe(1);
    expect(rpkLines(result)).toEqual([
      `rpk: ${alpha} is not empty and is not an earlier rpk output (no manifest.json) — rpk replaces the whole output directory: give -o a new or empty directory`,
    ]);
    expect(snapshot(alpha)).toEqual(before);
  });

  it("-o under a read-only directory: the user's path and what to do, no temp file named", async () => {
    const parent = join(scratch, "readonly");
    mkdirSync(parent);
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", parent]);
    try {
      const out = join(parent, "out");
      const result = await runRpkBuild([alpha, "-o", out, "--progress", "plain"], quick);
      expect(result.code).toBe(1);
      expect(rpkLines(result)).toEqual([
        `rpk: cannot write the build output to ${out}: read-only file system (EROFS) — the file system is read-only: give -o a writable path`,
      ]);
    } finally {
      execFileSync("umount", [parent]);
    }
  });

  it("a full disk during the export: the user's path and what to do, nothing left on the disk", async () => {
    const small = join(scratch, "small");
    mkdirSync(small);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", small]);
    try {
      const out = join(small, "out");
      const result = await runRpkBuild([alpha, "-o", out, "--progress", "quiet"], quick);
      expect(result.code).toBe(1);
      expect(rpkLines(result)).toEqual([
        `rpk: cannot write the build output to ${out}: no space left on device (ENOSPC) — the disk is full: free some space or give -o a path on another disk`,
      ]);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      execFileSync("umount", [small]);
    }
  });

  it("a missing or unset --secret source: one line before the build, not a lost daemon connection", async () => {
    const missing = join(scratch, "no-such-secret");
    const out = join(scratch, "secret-out");
    const file = await runRpkBuild([alpha, "-o", out, "--secret", `id=token,src=${missing}`], quick);
    expect(file.code).toBe(1);
    expect(rpkLines(file)).toEqual([
      `rpk: --secret id=token: cannot read ${missing} (no such file) — give src= a readable file`,
    ]);
    const unset = await runRpkBuild([alpha, "-o", out, "--secret", "id=token,env=RPK_IT_UNSET_SECRET"], quick);
    expect(unset.code).toBe(1);
    expect(rpkLines(unset)).toEqual([
      "rpk: --secret id=token: the environment variable RPK_IT_UNSET_SECRET is not set — set it, or give the secret as --secret id=token,src=FILE",
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
