import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { highestGlibc } from "../../src/dev/glibc-check.js";
import { compareDottedVersions } from "../../src/plan/images.js";
import { bufferRange, readElfLinkInfo } from "../../src/runtime/elf-versions.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { readZip } from "../helpers/zip.js";
import { invokeZipInProvidedImage } from "./support/provided-zip-run.js";
import { rpkBuildOk, rpkEnv, runRpkBuild } from "./support/rpk-build.js";

/**
 * Issue 12, item 3: cgo targets compile in the runtime's own build image (the test environment's stand-ins
 * for public.ecr.aws/sam/build-provided.al2023 / .al2, see docs/test-environment.md) with Go copied in from
 * the golang image, natively on amd64 and cross to arm64. Each bootstrap must ask for no GLIBC version newer
 * than its runtime's, and the amd64 zips answer their invoke under the emulator in the provided image.
 */

const BUILD_TIMEOUT = 900_000;
const RUNTIME_GLIBC = { "provided.al2023": "2.34", "provided.al2": "2.26" } as const;
const CASES = [
  ["provided.al2023", "x86_64"],
  ["provided.al2023", "arm64"],
  ["provided.al2", "x86_64"],
  ["provided.al2", "arm64"],
] as const;
const example = join(repoRoot, "examples", "cgo");
const expected = JSON.parse(readFileSync(join(example, "expected-invoke.json"), "utf8")).cgo as {
  event: unknown;
  response: unknown;
};

let env: TestEnv;
const scratch = mkdtempSync(join(tmpdir(), "rpk-cgo-al-"));
beforeAll(() => {
  env = loadTestEnv();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(CASES)("cgo on %s, %s", (runtime, arch) => {
  const out = join(scratch, `${runtime}-${arch}`);
  let bootstrap: Buffer;

  beforeAll(async () => {
    const build = await rpkBuildOk([example, "-o", out, "--runtime", runtime, "--arch", arch, "--progress", "plain"], {
      env: rpkEnv(env),
    });
    // The compile ran in the runtime's build image, with the golang image's Go copied in.
    const image = `public.ecr.aws/sam/build-provided.${runtime === "provided.al2" ? "al2" : "al2023"}:latest`;
    expect(build.stderr).toContain(`[cgo] copy Go into ${image}`);
    const entries = readZip(readFileSync(join(out, "cgo.zip")));
    expect(entries.map((e) => e.name)).toEqual(["bootstrap"]);
    bootstrap = entries[0]!.data;
  }, BUILD_TIMEOUT);

  it(`links against glibc ≤ ${RUNTIME_GLIBC[runtime]} and nothing newer`, async () => {
    const info = (await readElfLinkInfo(bufferRange(bootstrap)))!;
    expect(info.machine).toBe(arch === "arm64" ? "arm64" : "amd64");
    // A real cgo binary: dynamically linked against the C library.
    expect(info.needed).toContain("libc.so.6");
    const highest = highestGlibc(Object.values(info.needs).flat());
    console.log(`cgo ${runtime} ${arch}: highest GLIBC_${highest} (needs ${JSON.stringify(info.needs)})`);
    expect(highest).toBeDefined();
    expect(compareDottedVersions(highest!, RUNTIME_GLIBC[runtime])).toBeLessThanOrEqual(0);
  });

  it.runIf(arch === "x86_64")("answers its invoke under the emulator in the provided image", async () => {
    const run = await invokeZipInProvidedImage({ env, runtime, zip: join(out, "cgo.zip"), event: expected.event });
    expect(run.body, run.logs).toEqual(expected.response);
  });
});

describe("a cross cgo compile in an image without the cross compiler", () => {
  it(
    "fails with one line that says what to set",
    async () => {
      // The provided stand-in has a shell but no C compiler at all: the arm64 compile must stop at the check.
      const result = await runRpkBuild(
        [
          example,
          "-o",
          join(scratch, "no-cross"),
          "--arch",
          "arm64",
          "--cgo-image",
          "public.ecr.aws/lambda/provided:al2023",
          "--progress",
          "plain",
        ],
        { env: rpkEnv(env) },
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /rpk: target "cgo" needs a C cross compiler for arm64, and public\.ecr\.aws\/lambda\/provided:al2023 has no aarch64-linux-gnu-gcc \(amd64 build platform\): set CC in rpk\.config\.json overrides\.cgo\.env, or --cgo-image an image that has aarch64-linux-gnu-gcc, or build on a linux\/arm64 daemon/,
      );
    },
    BUILD_TIMEOUT,
  );
});
