import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, repoRoot } from "../../helpers/run-cli.js";
import { tempDir } from "../support/temp-dir.js";

/**
 * Start-up promises the code makes in comments (src/plan/patterns.ts, src/cli/commands/*.ts, src/llb/decode.ts,
 * frontend/main.ts): the commands that only plan or encode never load zod, grpc-js or protobufjs. These tests
 * hold the code to them, on the built output `npm test` runs against.
 */

const HEAVY = ["zod", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs"];

/** The packages under node_modules a list of module URLs reaches (scoped names kept whole). */
function packagesIn(urls: string[]): Set<string> {
  const packages = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1]) packages.add(match[1]);
  }
  return packages;
}

/** Runs the built CLI with a resolve hook that records every module it loads. */
function loadsOf(args: string[]): { code: number; packages: Set<string>; stderr: string } {
  const dir = tempDir("rpk-loads-");
  const record = join(dir, "loads.txt");
  const result = spawnSync(
    process.execPath,
    ["--import", join(repoRoot, "test/unit/support/record-loads.mjs"), cliPath, ...args],
    { cwd: repoRoot, env: { ...process.env, RPK_RECORD_LOADS: record }, maxBuffer: 64 * 1024 * 1024 },
  );
  const urls = readFileSync(record, "utf8").split("\n").filter(Boolean);
  return { code: result.status ?? -1, packages: packagesIn(urls), stderr: result.stderr.toString() };
}

/**
 * The modules a file loads when it starts: its static imports, transitively (dynamic `import()` is on demand).
 * Bare specifiers are package names; relative ones are followed inside dist/.
 */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const staticImport = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm;
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(staticImport)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:")) {
        const parts = specifier.split("/");
        packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
      }
    }
  };
  visit(entry);
  return packages;
}

describe("start-up loads only what a command needs", () => {
  // (rpk info is left out: it imports the plan index, zod included, and no comment promises otherwise.)
  it.each([
    ["plan", ["plan", "examples/monorepo"]],
    ["llb", ["llb", "examples/monorepo"]],
  ])("rpk %s loads none of zod, grpc-js, protobufjs", (_name, args) => {
    const { code, packages, stderr } = loadsOf(args);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(packages.has("yargs")).toBe(true); // the hook saw the CLI's own imports
    for (const heavy of HEAVY) expect(packages.has(heavy), `${heavy} was loaded`).toBe(false);
  });

  it("rpk llb --json (decoding) is where protobufjs loads", () => {
    const { code, packages } = loadsOf(["llb", "examples/hello", "--json"]);
    expect(code).toBe(0);
    expect(packages.has("protobufjs")).toBe(true);
  });

  it("the frontend's start imports neither zod nor grpc-js statically (frontend/main.ts)", () => {
    const packages = staticClosure(join(repoRoot, "dist/frontend/main.js"));
    for (const heavy of ["zod", "@grpc/grpc-js", "@grpc/proto-loader"]) {
      expect(packages.has(heavy), `${heavy} is a static import`).toBe(false);
    }
  });

  it("the static-closure reader sees heavy imports where they are", () => {
    // The build command's implementation talks gRPC: the reader must find grpc-js there, or it reads nothing.
    const packages = staticClosure(join(repoRoot, "dist/src/buildkit/connection.js"));
    expect(packages.has("@grpc/grpc-js")).toBe(true);
  });
});
