import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { runRpkOk } from "../helpers/run-cli.js";
import { readTree } from "../helpers/tree.js";
import { frontendBuildctl } from "./support/frontend-buildctl.js";
import { pushTestFrontendImage } from "./support/frontend-image.js";
import { copyExample } from "./support/go-projects.js";
import { invokeZippedBootstrap } from "./support/invoke-zip.js";
import { zipOutputListing } from "./support/output-dir.js";
import { contextBytesTransferred } from "./support/progress.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv } from "./support/rpk-build.js";
import { type SynthMonorepo, writeSynthMonorepo } from "./support/synth-monorepo.js";

/**
 * Issue 12, item 1: large trees through `rpk build`. BuildKit's FileSync client sends a local source's
 * include patterns as gRPC metadata, one header value each, to rpk's session server; before the fix a main
 * importing ~115 packages was reset with ENHANCE_YOUR_CALM at "[context] load Go sources". Here: a main
 * importing 300 packages (and two Lambdas sharing them) by `rpk build` and by the frontend; a target with
 * 5,000 embed patterns (a header block far above nghttp2's 8-CONTINUATION limit); a context of 50,000 files.
 */

const BUILD_TIMEOUT = 900_000;
const PACKAGES = 300;
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-large-it-"));
let env: TestEnv;

beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function build(args: string[]): Promise<RpkBuildResult> {
  return rpkBuildOk([...args, "--progress", "rawjson"], { env: rpkEnv(env) });
}

function rpk(args: string[]): string {
  return runRpkOk(args, { env: rpkEnv(env) });
}

function contextIncludeCount(planFile: string): number {
  return (JSON.parse(readFileSync(planFile, "utf8")) as { context: { include: string[] } }).context.include.length;
}

describe(`a monorepo whose main imports ${PACKAGES} local packages`, () => {
  const tree = join(scratch, "monorepo");
  const planDir = join(scratch, "monorepo-plan");
  const viaRpk = join(scratch, "monorepo-out");
  let synth: SynthMonorepo;

  beforeAll(async () => {
    synth = writeSynthMonorepo({ dir: tree, packages: PACKAGES, goVersion: env.go.version });
    mkdirSync(planDir);
    rpk(["plan", tree, "--out", join(planDir, "rpk.json")]);
    await build([tree, "--plan", join(planDir, "rpk.json"), "-o", viaRpk]);
  }, BUILD_TIMEOUT);

  it("sends one include pattern per package, far above the old ~115 limit", () => {
    expect(contextIncludeCount(join(planDir, "rpk.json"))).toBeGreaterThan(PACKAGES);
  });

  it("builds every Lambda with rpk build, and each one linked the packages it imports", async () => {
    expect(readdirSync(viaRpk).sort()).toEqual(zipOutputListing("all", "even", "odd"));
    for (const [name, { event, response }] of Object.entries(synth.lambdas)) {
      const { entries, result } = await invokeZippedBootstrap({
        env,
        zip: join(viaRpk, `${name}.zip`),
        bootstrap: join(scratch, `bootstrap-${name}`),
        event,
      });
      expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
      expect(result.functionError).toBeUndefined();
      expect(result.body).toEqual(response);
    }
  }, 120_000);

  it(
    "gives the same zips and manifest through the frontend (buildctl --frontend gateway.v0)",
    async () => {
      const frontendImage = await pushTestFrontendImage(env, `large-${run}`);
      const viaFrontend = join(scratch, "monorepo-frontend-out");
      await frontendBuildctl(env, {
        via: { gateway: frontendImage },
        context: tree,
        planDir,
        output: `type=local,dest=${viaFrontend}`,
      });
      const expected = readTree(viaRpk);
      const got = readTree(viaFrontend);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [file, bytes] of expected) expect(got.get(file)?.equals(bytes), `${file} differs`).toBe(true);
    },
    BUILD_TIMEOUT,
  );
});

/** A Lambda embedding what `patterns` name (one `//go:embed` line each); it answers with what it embedded. */
function embeddingMain(patterns: string[]): string {
  return `// Command hello embeds generated assets and counts what it got.
package main

import (
\t"context"
\t"embed"
\t"io/fs"

\t"github.com/aws/aws-lambda-go/lambda"
)

${patterns.map((pattern) => `//go:embed ${pattern}`).join("\n")}
var assets embed.FS

type answer struct {
\tFiles int \`json:"files"\`
\tBytes int \`json:"bytes"\`
}

func handle(_ context.Context, _ map[string]any) (answer, error) {
\tvar a answer
\terr := fs.WalkDir(assets, ".", func(path string, d fs.DirEntry, err error) error {
\t\tif err != nil || d.IsDir() {
\t\t\treturn err
\t\t}
\t\tdata, err := assets.ReadFile(path)
\t\ta.Files++
\t\ta.Bytes += len(data)
\t\treturn err
\t})
\treturn a, err
}

func main() {
\tlambda.Start(handle)
}
`;
}

/** Builds `tree` (the hello example with `main.go` replaced) and invokes the zip; returns what it embedded. */
async function buildEmbedding(tree: string, name: string) {
  const planFile = join(scratch, `${name}-plan.json`);
  rpk(["plan", tree, "--out", planFile]);
  const started = Date.now();
  const result = await build([tree, "--plan", planFile, "-o", join(scratch, `${name}-out`)]);
  const seconds = (Date.now() - started) / 1000;
  const { result: invoked } = await invokeZippedBootstrap({
    env,
    zip: join(scratch, `${name}-out`, "hello.zip"),
    bootstrap: join(scratch, `bootstrap-${name}`),
    event: {},
  });
  return { planFile, result, seconds, invoked };
}

/**
 * 5,000 `//go:embed` lines, one file each: the plan turns each into two include patterns, 10,000 header
 * values of ~40 characters — a header block of hundreds of KB, dozens of 16 KiB frames where nghttp2 takes
 * 8 CONTINUATIONs. The go command fails on a pattern without its file and the Lambda counts what it
 * embedded, so a pattern lost on the way cannot go unnoticed. (Exact paths, not wildcards: BuildKit's own
 * checksum of the copy matches every file against every pattern, which wildcards make expensive.)
 */
describe("a target with 5,000 include patterns", () => {
  const PATTERNS = 5000;
  const FILE_BYTES = 10;
  const tree = join(scratch, "patterns");
  let built: Awaited<ReturnType<typeof buildEmbedding>>;

  beforeAll(async () => {
    copyExample("hello", tree);
    const files: string[] = [];
    for (let i = 0; i < PATTERNS; i++) {
      const file = `assets/generated/team-${String(i % 40).padStart(2, "0")}/bundle-${String(i).padStart(4, "0")}.json`;
      mkdirSync(join(tree, file, ".."), { recursive: true });
      writeFileSync(join(tree, file), `${String(i).padEnd(FILE_BYTES - 1, " ")}\n`);
      files.push(file);
    }
    writeFileSync(join(tree, "main.go"), embeddingMain(files));
    built = await buildEmbedding(tree, "patterns");
  }, BUILD_TIMEOUT);

  it("builds, and every pattern reached the session server: the Lambda embedded every file", () => {
    console.info(`rpk build with ${PATTERNS} embed patterns: ${built.seconds.toFixed(1)} s`);
    expect(contextIncludeCount(built.planFile)).toBeGreaterThanOrEqual(2 * PATTERNS);
    expect(built.invoked.functionError).toBeUndefined();
    expect(built.invoked.body).toEqual({ files: PATTERNS, bytes: PATTERNS * FILE_BYTES });
  });
});

/** 50,000 small files under one embedded directory: all of them are sent, and all of them are embedded. */
describe("a context of 50,000 files", () => {
  const FILES = 50_000;
  const FILE_BYTES = 10;
  const tree = join(scratch, "files");
  let built: Awaited<ReturnType<typeof buildEmbedding>>;

  beforeAll(async () => {
    copyExample("hello", tree);
    for (let d = 0; d < FILES / 250; d++) {
      const dir = join(tree, "assets", `d${String(d).padStart(3, "0")}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 250; f++) {
        writeFileSync(join(dir, `f${f}.txt`), `${`${d}/${f}`.padEnd(FILE_BYTES - 1, ".")}\n`);
      }
    }
    writeFileSync(join(tree, "main.go"), embeddingMain(["assets"]));
    built = await buildEmbedding(tree, "files");
  }, BUILD_TIMEOUT);

  it("sends all of them, and the Lambda embedded every one", () => {
    const sent = contextBytesTransferred(built.result.progress);
    // Reported, never asserted: timing depends on the machine and on what else the shared daemon does.
    console.info(`rpk build with ${FILES} context files: ${built.seconds.toFixed(1)} s, ${sent} context bytes sent`);
    expect(sent).toBeGreaterThan(FILES * FILE_BYTES);
    expect(built.invoked.functionError).toBeUndefined();
    expect(built.invoked.body).toEqual({ files: FILES, bytes: FILES * FILE_BYTES });
  });
});
